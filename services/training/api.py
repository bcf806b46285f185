"""HTTP layer of the training service: parse with schemas, call a handler, dump with schemas."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "training",
    __name__,
    url_prefix="/api/v1/training",
    description="Training delivery (penyelenggaraan pengembangan kompetensi)",
)
