"""The audit service: every event of every service, kept append-only in its own database, searched and exported by
BKPSDM and auditors (docs/audit.md)."""
