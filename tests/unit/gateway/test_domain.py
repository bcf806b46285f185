"""The gateway's pure rules: forwarded headers, partner signatures, the merged API document."""

from __future__ import annotations

import pytest

from services.gateway import domain


def test_hop_by_hop_and_connection_named_headers_are_not_forwarded():
    headers = [
        ("Connection", "keep-alive, X-Trace"),
        ("X-Trace", "1"),
        ("Keep-Alive", "5"),
        ("Accept", "json"),
        ("Authorization", "Bearer t"),
        ("X-Bangkom-Identity", "forged"),
        ("Host", "a"),
    ]
    assert domain.forwardable(headers, domain.HOP_BY_HOP | domain.NEVER_FROM_CALLER) == [("Accept", "json")]
    assert ("Authorization", "Bearer t") in domain.forwardable(headers)


def test_partner_signature_covers_id_timestamp_and_body():
    signed = domain.signature("rahasia", "msg_1", "1764300000", b'{"a":1}')
    assert signed.startswith("v1,")
    assert domain.signature_matches(f"v1,old {signed}", signed), "several signatures during a key rotation"
    assert not domain.signature_matches(signed, domain.signature("rahasia", "msg_1", "1764300000", b'{"a":2}'))
    assert not domain.signature_matches(signed, domain.signature("rahasia", "msg_2", "1764300000", b'{"a":1}'))
    assert domain.timestamp_fresh("1000", 1300) and not domain.timestamp_fresh("1000", 1301)
    assert not domain.timestamp_fresh("soon", 1000)
    assert domain.partner_credentials("Bangkom-Partner pk_1") == ("pk_1", None), (
        "the key id only: the secret stays home"
    )
    assert domain.partner_credentials("Bangkom-Partner pk_1:s3cret") == ("pk_1", "s3cret"), "the older scheme"
    assert (
        domain.partner_credentials("Bearer x") is None and domain.partner_credentials("Bangkom-Partner pk_1:") is None
    )
    headers = domain.signed_headers("pk_1", "s3cret", b"{}")
    assert headers["Authorization"] == "Bangkom-Partner pk_1" and "s3cret" not in "".join(headers.values())


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_merged_documents_keep_every_reference_resolvable():
    error = {"type": "object"}
    needs = {
        "paths": {"/api/v1/needs/x": {"get": {"responses": {"200": {"$ref": "#/components/responses/Ok"}}}}},
        "components": {
            "schemas": {"Error": error},
            "responses": {"Ok": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
        },
        "tags": [{"name": "needs"}],
    }
    training = {
        "paths": {"/api/v1/training/y": {"get": {"responses": {"200": {"$ref": "#/components/responses/Ok"}}}}},
        "components": {"schemas": {"Error": error}, "responses": {"Ok": {"description": "ok"}}},
    }
    merged = domain.merge_openapi({"needs": needs, "training": training}, "Bangkom API")
    assert set(merged["paths"]) == {"/api/v1/needs/x", "/api/v1/training/y"}
    assert set(merged["components"]["schemas"]) == {"needs.Error", "training.Error"}
    for ref in _refs(merged):
        _, _, section, name = ref.split("/", 3)
        assert name in merged["components"][section], ref


def test_the_gateway_refuses_to_start_with_a_bad_proxy_or_transition_setting():
    from services.gateway.config import GatewaySettings
    from shared.config import ConfigError

    def settings(**options):
        return GatewaySettings(service="gateway", database_url="sqlite://", **options)

    assert settings(proxy_hops=1, trusted_proxies="10.0.0.0/8, ::1").proxy_hops == 1
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES: '10.0.0.0/33'"):
        settings(trusted_proxies="10.0.0.0/33")
    with pytest.raises(ConfigError, match="PARTNER_OLDER_SCHEME_UNTIL"):
        settings(partner_older_scheme_until="31-03-2027")
