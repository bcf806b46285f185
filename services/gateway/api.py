"""HTTP layer of the gateway: its own routes; proxying to the services comes with the gateway issue."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("gateway", __name__, url_prefix="/api/v1/auth", description="Identity and access")
