"""HTTP layer of the evaluation service: parse with schemas, call a handler, dump with schemas."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "evaluation",
    __name__,
    url_prefix="/api/v1/evaluation",
    description="Evaluation (evaluasi pasca pelatihan)",
)
