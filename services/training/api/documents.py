"""Routes of the documents: signature sheets, call-up letters, certificates (PDF) and certificate checks."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from services.training import schemas, views
from services.training.api.blueprint import blp, scope
from shared.web import caller, context, read_session

PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


def _pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        headers={"Content-Type": "application/pdf", "Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _file_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)


@blp.route("/batches/<batch_id>/meetings/<int:meeting_no>/signature-sheet")
class SignatureSheet(MethodView):
    @blp.doc(responses={"200": {"description": "The meeting's attendance sheet for signatures (PDF)", "content": PDF}})
    def get(self, batch_id, meeting_no):
        """The attendance sheet (daftar hadir) of one meeting as PDF, for the participants to sign at the venue: a
        row each (name, NIP, OPD), a column for the signature."""
        with read_session() as session:
            content = views.signature_sheet(session, batch_id, meeting_no, scope(), context().settings.instansi)
        return _pdf(content, f"daftar-hadir-{batch_id}-pertemuan-{meeting_no}.pdf")


@blp.route("/batches/<batch_id>/call-up-letter")
class CallUpLetter(MethodView):
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(responses={"200": {"description": "The call-up letters, one per OPD (PDF)", "content": PDF}})
    def get(self, batch_id):
        """The call-up letter (surat panggilan) of a batch as PDF: to the head of each OPD with participants, their
        names, the program and the schedule; 409 while nobody is nominated."""
        with read_session() as session:
            content = views.call_up_letter(session, batch_id, context().settings.today(), context().settings.instansi)
        return _pdf(content, f"surat-panggilan-{batch_id}.pdf")


@blp.route("/enrollments/<enrollment_id>/certificate")
class CertificateDocument(MethodView):
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(responses={"200": {"description": "The certificate (PDF)", "content": PDF}})
    def get(self, enrollment_id):
        """The certificate (sertifikat) of a completed participant as PDF, with a QR code to its public verification
        page; for the participant, their supervisor and BKPSDM. 409 when the enrolment holds no valid certificate
        (not completed, or its batch was reopened)."""
        with read_session() as session:
            number, content = views.certificate_pdf(session, enrollment_id, caller(), context().settings)
        return _pdf(content, f"sertifikat-{_file_name(number)}.pdf")


@blp.route("/certificates/verification")
class CertificateVerification(MethodView):
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.arguments(schemas.CertificateQuery, location="query")
    @blp.response(200, schemas.CertificateCheckSchema)
    def get(self, args):
        """Whether a certificate number is genuine: ``valid`` or ``revoked`` (its batch was reopened), with what the
        certificate itself prints. The web UI's public page ``/verifikasi/<number>`` (the QR code) shows it."""
        with read_session() as session:
            return views.certificate_check(session, args["number"], context().settings.instansi)
