"""marshmallow request and response schemas of the evaluation service's HTTP API."""
