"""HTTP layer of the needs service: parse with schemas, call a handler, dump with schemas."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "needs", __name__, url_prefix="/api/v1/needs", description="Needs assessment (analisis kebutuhan, AKPK)"
)
