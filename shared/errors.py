"""Errors that application handlers raise; the web layer turns them into RFC 9457 problem details.

They carry no HTTP machinery, so handlers stay usable from workers and CLIs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class AppError(Exception):
    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.extensions = extensions


class Invalid(AppError):
    """The input breaks a rule; ``errors`` name the fields: [{"field": ..., "message": ...}]."""

    status = 422
    slug = "validation"
    title = "Invalid input"


class NotFound(AppError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(AppError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class Forbidden(AppError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class Unauthorized(AppError):
    status = 401
    slug = "unauthorized"
    title = "Unauthorized"


def check_transition(transitions: Mapping[str, set[str]], what: str, current: str, wanted: str) -> None:
    """The one guard of every state machine: ``wanted`` must be a state ``current`` may move to, else 409."""
    if wanted not in transitions[current]:
        allowed = ", ".join(sorted(transitions[current])) or "none"
        raise Conflict(
            f"A {what} that is {current} cannot become {wanted} (allowed: {allowed}).",
            errors=[{"field": "status", "message": f"Not allowed from {current}."}],
        )


def flatten_errors(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """marshmallow/webargs messages ({"json": {"items": {"0": {"nip": [..]}}}}) → one entry per field."""
    if isinstance(messages, Mapping):
        found = []
        for key, value in messages.items():
            found.extend(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return found
    if isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        return [{"field": prefix or "_schema", "message": " ".join(messages)}]
    if isinstance(messages, list | tuple):
        return [e for i, m in enumerate(messages) for e in flatten_errors(m, f"{prefix}.{i}")]
    return [{"field": prefix or "_schema", "message": str(messages)}]
