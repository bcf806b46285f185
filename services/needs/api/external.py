"""Routes of development outside Bangkom: an ASN's claim, its certificate, BKPSDM's verification."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from services.needs import external, objectstore, schemas, views
from services.needs.api.blueprint import blp
from shared.edge import body_limit
from shared.errors import Forbidden, NotFound
from shared.web import caller, context, paged, read_session


def _store():
    return objectstore.from_settings(context().settings)


def _own_record(record_id: str):
    """The record, when the caller may see it (BKPSDM, the ASN, their supervisor); else 403/404."""
    with read_session() as session:
        record = views.external_record(session, caller(), record_id)
        session.expunge(record)
        return record


@blp.route("/external-development")
class ExternalDevelopmentList(MethodView):
    @blp.arguments(schemas.ExternalQuery, location="query")
    @blp.response(200, schemas.ExternalDevelopmentSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Development outside Bangkom, oldest first (BKPSDM's queue: ``status=submitted``). An employee sees
        only their own records."""
        who = caller()
        if not who.has_role("admin"):
            if args.get("nip") not in (None, who.subject):
                raise Forbidden("You may see only your own records.")
            args = {**args, "nip": who.subject}
        return paged(pagination_parameters, lambda s, page, size: views.external_records(s, args, page, size))


@blp.route("/employees/<nip>/external-development")
class ExternalDevelopmentClaim(MethodView):
    @blp.arguments(schemas.ExternalDevelopmentSchema)
    @blp.response(201, schemas.ExternalDevelopmentSchema)
    def post(self, data, nip):
        """Claim development outside Bangkom (an ASN for themself, or BKPSDM for them); attach the certificate
        next (PUT …/certificate), then BKPSDM verifies it and its JP count in the ledger."""
        who = caller()
        if not who.has_role("admin") and who.subject != nip:
            raise Forbidden("You may claim development only for yourself.")
        with context().uow() as uow:
            return external.submit(uow, context().settings, nip, data, who.subject)


@blp.route("/external-development/<record_id>")
class ExternalDevelopmentItem(MethodView):
    @blp.response(200, schemas.ExternalDevelopmentSchema)
    def get(self, record_id):
        """One record and where it stands."""
        return _own_record(record_id)


@blp.route("/external-development/<record_id>/certificate")
class ExternalDevelopmentCertificate(MethodView):
    @body_limit("certificate_max_bytes")
    @blp.arguments(schemas.CertificateFormSchema, location="files")
    @blp.response(200, schemas.ExternalDevelopmentSchema)
    def put(self, files, record_id):
        """Attach (or replace, until it is decided) the certificate file: PDF, PNG or JPEG, judged by its
        content, at most CERTIFICATE_MAX_BYTES."""
        record = _own_record(record_id)
        who = caller()
        if not who.has_role("admin") and who.subject != record.nip:
            raise Forbidden("Only the ASN or BKPSDM may attach the certificate.")
        settings = context().settings
        content = files["file"].read(settings.certificate_max_bytes + 1)
        with context().uow() as uow:
            return external.attach_certificate(uow, settings, _store(), record_id, content)

    @blp.doc(
        responses={
            "200": {
                "description": "The certificate file",
                "content": {
                    media: {"schema": {"type": "string", "format": "binary"}}
                    for media in ("application/pdf", "image/png", "image/jpeg")
                },
            }
        }
    )
    def get(self, record_id):
        """The certificate file as it was uploaded."""
        record = _own_record(record_id)
        if record.certificate_key is None:
            raise NotFound("No certificate file has been attached to this record yet.")
        return Response(_store().get(record.certificate_key), mimetype=record.certificate_type)


@blp.route("/external-development/<record_id>/verify")
class ExternalDevelopmentVerify(MethodView):
    @blp.arguments(schemas.VerificationSchema)
    @blp.response(200, schemas.ExternalDevelopmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, data, record_id):
        """Verify the record against its certificate, with the JP and levels found on it when they differ from the
        claim (both optional): ExternalDevelopmentVerified is published and the needs worker credits the JP, takes
        the levels (source certificate) and owes SIMPEG the training-history record. 409 when it is decided already,
        or a duplicate of a certificate already counted."""
        with context().uow() as uow:
            return external.decide(uow, record_id, True, caller().subject, adjusted=data)


@blp.route("/external-development/<record_id>/withdraw")
class ExternalDevelopmentWithdraw(MethodView):
    @blp.arguments(schemas.RejectionSchema)
    @blp.response(200, schemas.ExternalDevelopmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, data, record_id):
        """Withdraw a verification found wrong, with a reason: ExternalDevelopmentWithdrawn takes its JP out of the
        ledger and its levels out of the ASN's assessments (409 unless it is verified)."""
        with context().uow() as uow:
            return external.withdraw(uow, record_id, caller().subject, data["reason"])


@blp.route("/external-development/<record_id>/reject")
class ExternalDevelopmentReject(MethodView):
    @blp.arguments(schemas.RejectionSchema)
    @blp.response(200, schemas.ExternalDevelopmentSchema)
    def post(self, data, record_id):
        """Reject the record with a reason the ASN will read (ExternalDevelopmentRejected)."""
        with context().uow() as uow:
            return external.decide(uow, record_id, False, caller().subject, data["reason"])
