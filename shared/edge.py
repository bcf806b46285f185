"""The edge every service's HTTP requests pass first: one place for each class of bad input.

What a route accepts is read from the service's own OpenAPI document (the query parameters and
body media types flask-smorest documents from the route's schemas), so what the document says and
what the service does cannot drift apart:

- a control character in the path or a query value (NUL cannot reach PostgreSQL) → 400;
- a query parameter the operation does not document (``?limit=3`` where ``page_size`` is meant) → 400
  naming it; an integer parameter beyond a 32-bit column → 400;
- a body in a media type the operation does not take (JSON sent as ``text/plain`` or a form) → 415;
- a body larger than the route's limit (``MAX_BODY_BYTES``, or ``body_limit`` on a route) → 413;
- JSON nested too deeply to parse → 400; a number in the path too large for a column → 400.

The fields of the schemas (``shared.fields``) do the rest: whole numbers, dates in a window, no
control characters in strings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType
from werkzeug.routing import IntegerConverter

from shared.fields import CONTROL, INT32

_RULE_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_WHOLE = re.compile(r"^[+-]?\d+$")


class InvalidQuery(BadRequest):
    """A 400 listing the offending query parameters as a validation problem does its fields."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.data = {"messages": {"query": {name: [message] for name, message in messages.items()}}}


MULTIPART_ALLOWANCE = 65_536  # the form's own framing around an uploaded file


def body_limit(setting: str) -> Callable:
    """Give a route the body limit of another setting than ``MAX_BODY_BYTES`` (e.g. an import's file size)."""

    def decorate(view: Callable) -> Callable:
        view.max_body_setting = setting  # type: ignore[attr-defined]  # read by the edge for this route
        return view

    return decorate


class BoundedInt(IntegerConverter):
    """``<int:…>`` path variables within a 32-bit column; larger numbers are a 400, not a database error."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > INT32[1]:
            raise BadRequest(f"The number {value[:30]} in the path is too large (at most {INT32[1]}).")
        return number


@dataclass(frozen=True)
class Operation:
    query: dict[str, str]  # name → OpenAPI type
    body_types: frozenset[str]


@functools.cache  # a route's rule is a fixed string: computed once per route, not once per request
def openapi_path(rule: str) -> str:
    """``/api/v1/needs/employees/<nip>`` → ``/api/v1/needs/employees/{nip}``."""
    return _RULE_VARIABLE.sub(r"{\1}", rule)


def operations(spec: dict[str, Any]) -> dict[tuple[str, str], Operation]:
    """(METHOD, OpenAPI path) → what the operation documents it accepts."""
    found = {}
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or method.startswith("x-") or method == "parameters":
                continue
            query = {
                p["name"]: (p.get("schema") or {}).get("type", "string")
                for p in operation.get("parameters", []) + item.get("parameters", [])
                if p.get("in") == "query"
            }
            body = frozenset((operation.get("requestBody") or {}).get("content", {}))
            found[(method.upper(), path)] = Operation(query, body)
    return found


def install(app: Flask, spec: Callable[[], dict[str, Any]], settings: Any) -> Callable[[], None]:
    """Register the converters and the body limit; returns the check to run before every request's view."""
    app.url_map.converters["int"] = BoundedInt
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    known: dict[tuple[str, str], Operation] = {}

    def check() -> None:
        _refuse_control_characters()
        view = app.view_functions.get(request.endpoint or "")
        handler = getattr(getattr(view, "view_class", None), request.method.lower(), view)
        setting = getattr(handler, "max_body_setting", None)
        if setting is not None:
            request.max_content_length = getattr(settings, setting) + MULTIPART_ALLOWANCE
        if request.url_rule is None:
            return
        if not known:
            known.update(operations(spec()))
        operation = known.get((request.method, openapi_path(request.url_rule.rule)))
        if operation is not None:
            _check_query(operation)
            _check_media_type(operation)

    return check


def _refuse_control_characters() -> None:
    if CONTROL.search(request.path):
        raise BadRequest("The path contains a control character (such as %00); remove it.")
    errors = {
        CONTROL.sub("?", name): "Contains a control character (such as %00); remove it."
        for name, value in request.args.items(multi=True)
        if CONTROL.search(name) or CONTROL.search(value)
    }
    if errors:
        raise InvalidQuery(errors)


def _check_query(operation: Operation) -> None:
    errors = {}
    for name in request.args:
        kind = operation.query.get(name)
        if kind is None:
            takes = ", ".join(sorted(operation.query)) or "no parameters"
            errors[name] = f"Unknown parameter; this operation takes {takes}."
        elif kind == "integer" and any(_beyond_int32(value) for value in request.args.getlist(name)):
            errors[name] = f"Must be between {INT32[0]} and {INT32[1]}."
    if errors:
        raise InvalidQuery(errors)


def _beyond_int32(value: str) -> bool:
    value = value.strip()
    if not _WHOLE.match(value):
        return False  # not a whole number at all: the schema says so
    digits = value.lstrip("+-").lstrip("0")
    return len(digits) > 10 or not INT32[0] <= int(value) <= INT32[1]


def _check_media_type(operation: Operation) -> None:
    if not operation.body_types or not _has_body():
        return
    if request.mimetype not in operation.body_types:
        expected = " or ".join(sorted(operation.body_types))
        raise UnsupportedMediaType(
            f"Send the body as {expected} (Content-Type: {expected}); it came as {request.mimetype or 'no type'}."
        )


def _has_body() -> bool:
    return bool(request.content_length) or request.headers.get("Transfer-Encoding", "").lower() == "chunked"
