"""Routes of the partner institutions and their API keys, and the gateway's check of a key."""

from __future__ import annotations

from flask.views import MethodView

from services.training import handlers, schemas, views
from services.training.api.blueprint import blp
from shared.errors import Unauthorized
from shared.web import context, read_session


@blp.route("/partners")
class Partners(MethodView):
    @blp.response(200, schemas.PartnerSchema(many=True))
    def get(self):
        """The partner institutions."""
        with read_session() as session:
            return views.partners(session)

    @blp.arguments(schemas.PartnerSchema)
    @blp.response(201, schemas.PartnerCreatedSchema)
    def post(self, data):
        """Register a partner institution; the answer holds its first API secret, shown this once."""
        with context().uow() as uow:
            partner, key_id, secret = handlers.create_partner(uow, context().settings, data)
        return {"partner": partner, "credential": {"key_id": key_id, "secret": secret}}


@blp.route("/partners/<code>/keys")
class PartnerKeys(MethodView):
    @blp.response(200, schemas.KeySchema(many=True))
    def get(self, code):
        """A partner's keys (ids and dates only: secrets are never shown again)."""
        with read_session() as session:
            return views.partner_keys(session, code)

    @blp.response(201, schemas.CredentialSchema)
    def post(self, code):
        """Rotate: a new key and secret (shown once); older keys work until revoked."""
        with context().uow() as uow:
            key_id, secret = handlers.add_partner_key(uow, context().settings, code)
        return {"key_id": key_id, "secret": secret}


@blp.route("/partners/<code>/keys/<key_id>")
class PartnerKeyItem(MethodView):
    @blp.response(200, schemas.KeySchema)
    def delete(self, code, key_id):
        """Revoke a key: requests signed with it are refused from now on."""
        with context().uow() as uow:
            return handlers.revoke_partner_key(uow, code, key_id)


@blp.route("/internal/partner-keys/verify")
class VerifyPartnerKey(MethodView):
    @blp.arguments(schemas.KeyCheckSchema)
    @blp.response(200, schemas.KeyCheckResultSchema)
    def post(self, data):
        """For the gateway only: the partner of a valid, unrevoked key whose secret matches its stored hash."""
        with context().uow() as uow:
            partner_code = handlers.verify_partner_key(uow, data["key_id"], data["secret"])
        if partner_code is None:
            raise Unauthorized("Unknown or revoked key, or a wrong secret.")
        return {"partner_code": partner_code}


@blp.route("/internal/partner-keys/signing-secret")
class PartnerSigningSecret(MethodView):
    @blp.arguments(schemas.KeyIdSchema)
    @blp.response(200, schemas.SigningSecretSchema)
    def post(self, data):
        """For the gateway only: the partner and secret of a valid, unrevoked key, to check its signatures with (the
        partner never sends the secret)."""
        with context().uow() as uow:
            partner_code, secret = handlers.signing_secret(uow, context().settings, data["key_id"])
        return {"partner_code": partner_code, "secret": secret}
