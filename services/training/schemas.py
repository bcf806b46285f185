"""marshmallow request and response schemas of the training service's HTTP API."""
