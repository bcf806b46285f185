"""The common HTTP shape: RFC 9457 problem details, request ids, metrics, JSON logs."""

from __future__ import annotations

import json
import re

import pytest
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from shared.config import Settings
from shared.errors import Conflict, NotFound, flatten_errors
from shared.logging import configure_logging
from shared.web import create_app

blp = Blueprint("pegawai", __name__, url_prefix="/api/v1/pegawai")


class Item(Schema):
    nip = fields.String(required=True, validate=validate.Regexp(r"^\d{18}$", error="NIP must be 18 digits."))


class EmployeeIn(Schema):
    nip = fields.String(required=True, validate=validate.Regexp(r"^\d{18}$", error="NIP must be 18 digits."))
    name = fields.String(required=True)
    items = fields.List(fields.Nested(Item), load_default=list)


@blp.route("/")
class Employees(MethodView):
    @blp.arguments(EmployeeIn)
    @blp.response(201, EmployeeIn)
    def post(self, body):
        if body["nip"] == "199001012015031001":
            raise Conflict("An employee with this NIP already exists.", nip=body["nip"])
        return body


@blp.route("/<nip>")
class Employee(MethodView):
    def get(self, nip):
        if nip == "boom":
            raise RuntimeError("secret connection string postgresql://u:p@h/db")
        raise NotFound(f"No employee with NIP {nip}.")


@pytest.fixture(scope="module")
def client():
    settings = Settings(service="needs", database_url="sqlite://")
    app = create_app(
        settings,
        title="test",
        description="test",
        blueprints=[blp],
        check_kafka=False,
        messages_indonesian={"No employee with NIP {0}.": "Pegawai dengan NIP {0} tidak ditemukan."},
    )
    return app.test_client()


def test_validation_errors_are_problem_details_naming_each_field(client):
    response = client.post("/api/v1/pegawai/", json={"nip": "123", "items": [{"nip": "x"}]})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    body = response.json
    assert body["type"] == "urn:bangkom:problem:validation"
    assert body["status"] == 422 and body["instance"] == "/api/v1/pegawai/"
    assert {(e["field"], e["location"]) for e in body["errors"]} == {
        ("nip", "json"),
        ("name", "json"),
        ("items.0.nip", "json"),
    }
    assert {e["message"] for e in body["errors"] if e["field"] == "nip"} == {"NIP must be 18 digits."}
    assert {e["message"] for e in body["errors"] if e["field"] == "name"} == {
        "Wajib diisi."
    }  # marshmallow's, translated
    assert "nip" in body["detail"] and "name" in body["detail"]


def test_malformed_json_is_a_400_problem(client):
    response = client.post("/api/v1/pegawai/", data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_application_errors_map_to_their_status(client):
    response = client.get("/api/v1/pegawai/198609262015051001")
    assert (response.status_code, response.json["type"]) == (404, "urn:bangkom:problem:not-found")
    assert response.json["detail"] == "Pegawai dengan NIP 198609262015051001 tidak ditemukan."  # Indonesian first
    assert response.headers["Content-Language"] == "id" and "Accept-Language" in response.headers["Vary"]
    english = client.get("/api/v1/pegawai/198609262015051001", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.json["detail"] == "No employee with NIP 198609262015051001."
    assert english.headers["Content-Language"] == "en"
    conflict = client.post("/api/v1/pegawai/", json={"nip": "199001012015031001", "name": "A"})
    assert conflict.status_code == 409 and conflict.json["nip"] == "199001012015031001"


def test_unknown_route_and_method(client):
    assert client.get("/api/v1/nothing").json["status"] == 404
    response = client.delete("/api/v1/pegawai/")
    assert response.status_code == 405 and response.content_type == "application/problem+json"
    assert "POST" in response.headers["Allow"]


def test_unexpected_errors_are_500_problems_without_internals(client, capsys):
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/api/v1/pegawai/boom", headers={"X-Request-ID": "req-500"})
    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    assert "postgresql" not in response.get_data(as_text=True)
    assert response.json["request_id"] == "req-500"


def test_request_id_is_kept_or_created(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    created = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert len(created) == 36 and " " not in created


def test_requests_are_counted_per_route_template(client):
    def count() -> float:
        text = client.get("/metrics").get_data(as_text=True)
        for line in text.splitlines():
            wanted = 'route="/api/v1/pegawai/<nip>"' in line and 'status="404"' in line
            if line.startswith("bangkom_http_requests_total{") and wanted:
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    before = count()
    client.get("/api/v1/pegawai/198609262015051001")
    client.get("/api/v1/pegawai/198609262015051002")
    assert count() == before + 2


def test_logs_are_json_with_the_request_id(client, capsys):
    configure_logging("needs")
    client.get("/api/v1/pegawai/198609262015051001", headers={"X-Request-ID": "log-me"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    access = [entry for entry in lines if entry.get("request_id") == "log-me"]
    assert access and access[-1]["status"] == 404 and access[-1]["service"] == "needs"
    assert access[-1]["route"] == "/api/v1/pegawai/<nip>"


def test_flatten_errors():
    assert flatten_errors({"a": {"0": {"b": ["x", "y"]}}, "c": ["z"]}) == [
        {"field": "a.0.b", "message": "x y"},
        {"field": "c", "message": "z"},
    ]


def test_every_schema_takes_its_fields_from_the_edge_module():
    """shared.fields refuses fractions, oversized numbers, control characters and dates outside the window:
    a schema that imports marshmallow's fields directly would let them through again."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in sorted((root / "services").rglob("*.py")):
        text = path.read_text()
        assert "from marshmallow import fields" not in text and "marshmallow.fields import" not in text, path
        assert not re.search(r"from marshmallow import [^\n]*\bfields\b", text), path
