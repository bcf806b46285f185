"""marshmallow request and response schemas of the needs service's HTTP API."""
