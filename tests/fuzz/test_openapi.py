"""Property-based fuzzing of every service's OpenAPI document (Schemathesis), on the real PostgreSQL.

For each service, cases generated from its own document (valid and invalid ones, with a fixed seed) are sent
as BKPSDM to every operation; each answer must be no server error, have a documented status and media type,
and match its documented schema. At least ``CASES`` cases per service; the figures are printed.
"""

from __future__ import annotations

import collections
import importlib
import math

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared import identity

SECRET = "test-internal-identity-secret"
CASES = 1000  # at least this many generated cases per service
SEED = 20261130
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CALLERS = [  # the first one an operation's access rule admits calls it
    identity.Identity("bkpsdm.admin", ("admin",)),
    identity.Identity("pk_FUZZ", ("partner",), "FUZZ"),
    identity.Identity("gateway", ("gateway",)),
    identity.Identity("197001011995031001", ("supervisor", "employee")),
    identity.Identity("199001012015031001", ("employee",)),
]


def _headers(service: str, app, method: str, path: str) -> dict[str, str]:
    """The gateway identity of a caller the operation admits, so that the fuzzer reaches past the access check."""
    from shared.edge import openapi_path

    rules = {openapi_path(rule.rule): rule.rule for rule in app.url_map.iter_rules()}
    allowed = importlib.import_module(f"services.{service}.api").ACCESS[(method.upper(), rules[path])]
    who = next(caller for caller in CALLERS if caller.has_role(*allowed))
    return {identity.HEADER: identity.encode(who, SECRET)}


def _app(service: str, url: str):
    config = importlib.import_module(f"services.{service}.config")
    settings_class = next(v for k, v in vars(config).items() if k.endswith("Settings") and k != "Settings")
    settings = settings_class(service=service, database_url=url, internal_identity_secret=SECRET,
                              kafka_bootstrap_servers="127.0.0.1:1")  # fmt: skip
    return importlib.import_module(f"services.{service}.app").create_app(settings)


@pytest.mark.parametrize("service", ["needs", "training", "evaluation"])
def test_every_operation_answers_as_documented(service, migrated_database):
    app = _app(service, migrated_database(service))
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    per_operation = math.ceil(CASES / len(operations))
    sent: collections.Counter[str] = collections.Counter()
    failures: dict[str, str] = {}
    for operation in operations:
        _fuzz(operation, _headers(service, app, operation.method, operation.path), per_operation, sent, failures)
    total = sum(sent.values())
    print(f"\n{service}: {total} cases over {len(operations)} operations, {len(failures)} distinct failures")
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
    assert total >= CASES


def _fuzz(operation, headers: dict[str, str], examples: int, sent: collections.Counter, failures: dict) -> None:
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @hypothesis.settings(max_examples=examples, database=None, deadline=None,
                         suppress_health_check=list(hypothesis.HealthCheck), phases=[hypothesis.Phase.generate])  # fmt: skip
    @hypothesis.seed(SEED)
    @hypothesis.given(case=strategy)
    def run(case):
        label = case.operation.label
        sent[label] += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every distinct failure is reported at the end
            failures.setdefault(f"{label}: {type(exc).__name__}", f"{exc}"[:1500])

    run()
