"""What every service's OpenAPI document says about the answers it gives besides success.

flask-smorest documents errors as ``application/json`` bodies of its own ``Error`` shape under a catch-all
``default``. Bangkom's services answer RFC 9457 ``application/problem+json`` (shared/web.py), and a
client (or a fuzzer) needs the statuses an operation can really give. This plugin writes them into
every operation, from what the common layers do:

- every operation: 400 (the edge: an undocumented query parameter, a control character, JSON nested
  too deeply); in a service that checks callers, 401 (no or a forged gateway identity) and 403 (a role
  the access table does not name); 503 (the database out of reach for a moment: send again after
  ``Retry-After`` seconds);
- with a request body: 413 (too large), 415 (another media type), 422 (invalid fields); and, as writes,
  409 (a conflict with data already held);
- with path variables: 404; with query parameters: 422;
- each operation an ``operationId`` (its endpoint and method) and the gateway identity as its security
  (none for the gateway's own login and refresh).

Statuses particular to one operation are documented there (``@blp.alt_response(409, response="CONFLICT")``).
"""

from __future__ import annotations

import http
from typing import Any

from apispec import BasePlugin
from marshmallow import INCLUDE, Schema, fields

from shared import identity

PROBLEM_JSON = "application/problem+json"
IDENTITY_SCHEME = "gatewayIdentity"
WRITES = {"post", "put", "patch", "delete"}


class ProblemErrorSchema(Schema):
    field = fields.String(required=True, metadata={"description": "the field or parameter, dotted (items.0.nip)"})
    message = fields.String(required=True)
    location = fields.String(metadata={"description": "json, query, files, form"})


class ProblemSchema(Schema):
    """RFC 9457 problem details, with Bangkom's members."""

    class Meta:
        unknown = INCLUDE  # extension members such as ``service``, ``checks`` or ``check``

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    errors = fields.List(fields.Nested(ProblemErrorSchema))


def status_name(code: int) -> str:
    """The component name flask-smorest registers a status's response under (``NOT_FOUND``)."""
    return http.HTTPStatus(code).name


class ProblemResponsesPlugin(BasePlugin):
    def __init__(self, identity_required: bool = True) -> None:
        """``identity_required``: the service checks the gateway identity (every service but the gateway)."""
        super().__init__()
        self.identity_required = identity_required

    def init_spec(self, spec: Any) -> None:
        super().init_spec(spec)
        if not self.identity_required:
            return
        spec.components.security_scheme(
            IDENTITY_SCHEME,
            {
                "type": "apiKey",
                "in": "header",
                "name": identity.HEADER,
                "description": "The caller's identity, signed by the gateway (docs/api.md). Callers outside "
                "call through the gateway, which sets it from their token or partner signature.",
            },
        )

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        rule = kwargs.get("rule")
        has_path_variables = bool(rule is not None and rule.arguments)
        for method, operation in (operations or {}).items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("default", None)
            codes = [400, 401, 403] if self.identity_required else [400]
            if has_path_variables:
                codes.append(404)
            if any(p.get("in") == "query" for p in operation.get("parameters", []) if isinstance(p, dict)):
                codes.append(422)
            if "requestBody" in operation or method in WRITES:
                codes += [409, 413, 415, 422] if "requestBody" in operation else [409]
            codes.append(503)
            for code in codes:
                if code not in responses and str(code) not in responses:
                    responses[str(code)] = status_name(code)
            if rule is not None:
                operation.setdefault("operationId", f"{rule.endpoint.replace('.', '_')}_{method}")
            operation.setdefault("security", [{IDENTITY_SCHEME: []}] if self.identity_required else [])
