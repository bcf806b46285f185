"""Every service's OpenAPI document states each operation's real answers (shared/openapi.py)."""

from __future__ import annotations

import pytest

from shared.web import PROBLEM_JSON
from tests.services import app_of
from tests.unit.gateway.test_domain import _refs

SERVICES = ["needs", "training", "evaluation", "notifications", "gateway", "audit"]


def _spec(service: str) -> dict:
    return app_of(service, "sqlite://").extensions["bangkom_api"].spec.to_dict()


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield f"{method.upper()} {path}", method, operation


def _response(spec: dict, response: dict) -> dict:
    ref = response.get("$ref")
    return spec["components"]["responses"][ref.rsplit("/", 1)[1]] if ref else response


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_documents_its_answers(service):
    spec = _spec(service)
    ids = []
    for name, method, operation in _operations(spec):
        ids.append(operation.get("operationId"))
        assert operation.get("summary"), f"{name}: no summary (the first line of its docstring)"
        responses = operation["responses"]
        assert "default" not in responses, name
        assert any(str(code).startswith("2") for code in responses), f"{name}: no success answer"
        for code in ("400", "401", "403") if service != "gateway" else ("400",):
            assert code in responses, f"{name}: {code}"
        for code, response in responses.items():
            content = _response(spec, response).get("content", {})
            if str(code).startswith(("4", "5")):
                assert list(content) == [PROBLEM_JSON], f"{name} {code}"
            elif str(code) != "204":
                assert content, f"{name} {code}: no media type"
        if method in {"post", "put", "patch"} and "requestBody" in operation:
            for code in ("413", "415", "422"):
                assert code in responses, f"{name}: {code}"
    assert None not in ids and len(ids) == len(set(ids)), "every operation has its own operationId"


@pytest.mark.parametrize("service", ["needs", "training", "evaluation"])
def test_service_documents_name_the_gateway_identity(service):
    spec = _spec(service)
    assert spec["components"]["securitySchemes"]["gatewayIdentity"]["name"] == "X-Bangkom-Identity"
    assert all(op["security"] == [{"gatewayIdentity": []}] for _, _, op in _operations(spec))


def test_the_evaluation_submission_documents_its_body():
    operation = _spec("evaluation")["paths"]["/api/v1/evaluation/tasks/{task_id}/submission"]["post"]
    assert len(operation["requestBody"]["content"]["application/json"]["schema"]["oneOf"]) == 3


def test_the_merged_document_asks_outside_callers_for_tokens_and_leaves_login_open():
    from services.gateway import domain

    documents = {service: _spec(service) for service in SERVICES}
    merged = domain.merge_openapi(documents, "Bangkom API", security=[{"bearer": []}, {"partner": []}])
    paths = merged["paths"]
    assert paths["/api/v1/auth/login"]["post"]["security"] == []
    assert paths["/api/v1/auth/refresh"]["post"]["security"] == []
    assert paths["/api/v1/needs/competencies"]["get"]["security"] == [{"bearer": []}, {"partner": []}]
    assert "securitySchemes" not in merged["components"], "no service's identity header leaks out"
    refs = {ref for ref in _refs(merged)}
    assert all(ref.split("/")[-1] in merged["components"][ref.split("/")[2]] for ref in refs), "no dangling $ref"
