"""marshmallow request and response schemas of the gateway's own routes (login, tokens)."""
