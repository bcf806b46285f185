"""Gateway: the one public door (routing, identity, partner signatures, rate limits, API docs, web UI)."""
