"""HTTP layer of the training service: parse with schemas, call a handler or a view, dump with schemas.

Routes under ``/partner`` are the partner institutions' own: the partner is the one named by the
gateway-signed identity (``shared.identity``), and it only ever sees its own batches.
"""

from __future__ import annotations

import datetime as dt
import time

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.training import domain, handlers, schemas, views
from services.training.models import Meeting
from shared import sheets
from shared.edge import body_limit
from shared.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from shared.web import access_rules, caller, context, read_session

blp = Blueprint(
    "training",
    __name__,
    url_prefix="/api/v1/training",
    description="Training delivery: partners, programs, batches (angkatan), nomination, attendance, completion.",
)


ADMIN, PEOPLE, PARTNER = ("admin",), ("admin", "supervisor", "employee"), ("partner",)
DELIVERY = ("admin", "partner")  # BKPSDM, or a partner's user on its own batches (``_scope``)
# Who may call what (docs/access.md); a partner's routes also keep it to its own batches.
ACCESS = access_rules(
    blp.url_prefix,
    {
        "GET /partners": ADMIN,
        "POST /partners": ADMIN,
        "GET /partners/<code>/keys": ADMIN,
        "POST /partners/<code>/keys": ADMIN,
        "DELETE /partners/<code>/keys/<key_id>": ADMIN,
        "GET /programs": PEOPLE,
        "POST /programs": ADMIN,
        "GET /programs/<program_id>": (*PEOPLE, "partner"),
        "PUT /programs/<program_id>": ADMIN,
        "PUT /programs/<program_id>/status": ADMIN,
        "GET /programs/<program_id>/batches": PEOPLE,
        "POST /programs/<program_id>/batches": ADMIN,
        "GET /batches": ADMIN,
        "GET /batches/<batch_id>": (*PEOPLE, "partner"),
        "GET /batches/<batch_id>/candidates": ADMIN,
        "GET /batches/<batch_id>/enrollments": DELIVERY,
        "POST /batches/<batch_id>/enrollments": ADMIN,
        "PUT /batches/<batch_id>/enrollments/<nip>/post-test": DELIVERY,
        "POST /batches/<batch_id>/close": ADMIN,
        "POST /batches/<batch_id>/reopen": ADMIN,
        "POST /batches/<batch_id>/enrollments/<nip>/withdrawal": ADMIN,
        "GET /batches/<batch_id>/meetings/<int:meeting_no>/attendance": DELIVERY,
        "PUT /batches/<batch_id>/meetings/<int:meeting_no>/attendance": DELIVERY,
        "GET /batches/<batch_id>/attendance-sheet": DELIVERY,
        "POST /batches/<batch_id>/attendance-sheet": DELIVERY,
        "GET /batches/<batch_id>/meetings/<int:meeting_no>/check-in-code": ADMIN,
        "PUT /batches/<batch_id>/meetings/<int:meeting_no>": ADMIN,
        "GET /batches/<batch_id>/meetings/<int:meeting_no>/signature-sheet": DELIVERY,
        "GET /batches/<batch_id>/call-up-letter": ADMIN,
        "GET /enrollments/<enrollment_id>/certificate": PEOPLE,
        "GET /certificates/verification": ("gateway", *PEOPLE, "partner"),
        "POST /check-in": ("employee", "supervisor"),
        "GET /partner/batches": PARTNER,
        "GET /partner/batches/<batch_id>/enrollments": PARTNER,
        "POST /partner/attendance": PARTNER,
        "POST /partner/attendance/record": PARTNER,
        "PUT /partner/batches/<batch_id>/enrollments/<nip>/post-test": PARTNER,
        "POST /internal/partner-keys/verify": ("gateway",),
    },
)


def _scope() -> str | None:
    """The partner a caller is kept to: none for BKPSDM and the ASN (their own checks apply), the partner's code for
    a partner (a user or a key), who then touches only its own programs and batches (404 for the others)."""
    who = caller()
    if who.has_role("admin", "supervisor", "employee"):
        return None
    return _partner_code()


def _partner_code() -> str:
    """The calling partner institution (the access table admits only the partner role here)."""
    who = caller()
    if not who.partner_code:
        raise Forbidden("This identity names no partner institution.")
    return who.partner_code


# --- partners -----------------------------------------------------------------------------------


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
            partner, key_id, secret = handlers.create_partner(uow, data)
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
            key_id, secret = handlers.add_partner_key(uow, code)
        return {"key_id": key_id, "secret": secret}


@blp.route("/partners/<code>/keys/<key_id>")
class PartnerKeyItem(MethodView):
    @blp.response(200, schemas.KeySchema)
    def delete(self, code, key_id):
        """Revoke a key: requests signed with it are refused from now on."""
        with context().uow() as uow:
            return handlers.revoke_partner_key(uow, code, key_id)


# --- programs and batches -----------------------------------------------------------------------


@blp.route("/programs")
class Programs(MethodView):
    @blp.arguments(schemas.ProgramQuery, location="query")
    @blp.response(200, schemas.ProgramSchema(many=True))
    def get(self, args):
        """Programs (filter by status, partner, competency, period)."""
        with read_session() as session:
            return views.programs(session, args)

    @blp.arguments(schemas.ProgramSchema)
    @blp.response(201, schemas.ProgramSchema)
    def post(self, data):
        """A new program, in draft."""
        with context().uow() as uow:
            return handlers.create_program(uow, context().settings, data)


@blp.route("/programs/<program_id>")
class ProgramItem(MethodView):
    @blp.response(200, schemas.ProgramSchema)
    def get(self, program_id):
        """One program with its competencies, status and latest evaluation."""
        with read_session() as session:
            return views.program(session, program_id, _scope())

    @blp.arguments(schemas.ProgramSchema)
    @blp.response(200, schemas.ProgramSchema)
    def put(self, data, program_id):
        """Edit a draft program."""
        with context().uow() as uow:
            return handlers.update_program(uow, context().settings, program_id, data)


@blp.route("/programs/<program_id>/status")
class ProgramStatus(MethodView):
    @blp.arguments(schemas.StatusSchema)
    @blp.response(200, schemas.ProgramSchema)
    def put(self, data, program_id):
        """draft → published (emits ProgramPublished; needs a batch) → running → closed."""
        with context().uow() as uow:
            return handlers.change_program_status(uow, program_id, data["status"])


@blp.route("/batches")
class Batches(MethodView):
    @blp.arguments(schemas.BatchWindowQuery, location="query")
    @blp.response(200, schemas.BatchSchema(many=True))
    def get(self, args):
        """The batches with a meeting between two dates, with their meetings (a month's calendar in one call)."""
        if args["meets_until"] < args["meets_from"]:
            raise Invalid(
                "meets_until comes before meets_from.",
                errors=[{"field": "meets_until", "message": "Before meets_from."}],
            )
        with read_session() as session:
            return views.batches_meeting_between(session, args["meets_from"], args["meets_until"])


@blp.route("/programs/<program_id>/batches")
class ProgramBatches(MethodView):
    @blp.response(200, schemas.BatchSchema(many=True))
    def get(self, program_id):
        """A program's batches (angkatan) with their meetings."""
        with read_session() as session:
            return views.batches_of_program(session, program_id)

    @blp.arguments(schemas.BatchSchema)
    @blp.response(201, schemas.BatchSchema)
    def post(self, data, program_id):
        """A new batch (angkatan) with its meetings; numbered in order, meetings numbered by date and time."""
        with context().uow() as uow:
            batch = handlers.add_batch(uow, program_id, data["meetings"])
        with read_session() as session:
            return views.batch(session, batch.id, minutes_per_jp=context().settings.minutes_per_jp)


@blp.route("/batches/<batch_id>")
class BatchItem(MethodView):
    @blp.response(200, schemas.BatchSchema)
    def get(self, batch_id):
        """One batch with its meetings and state."""
        with read_session() as session:
            return views.batch(session, batch_id, _scope(), minutes_per_jp=context().settings.minutes_per_jp)


@blp.route("/batches/<batch_id>/candidates")
class Candidates(MethodView):
    @blp.arguments(schemas.CandidateQuery, location="query")
    @blp.response(200, schemas.CandidateSchema(many=True))
    def get(self, args, batch_id):
        """Employees whose open needs the program addresses, by priority; those busy elsewhere at the time are left out."""
        with read_session() as session:
            return views.candidates(session, batch_id, args["limit"])


@blp.route("/batches/<batch_id>/enrollments")
class Enrollments(MethodView):
    @blp.response(200, schemas.RosterEntrySchema(many=True))
    def get(self, batch_id):
        """The roster, with each participant's attendance share so far."""
        with read_session() as session:
            return views.roster(session, batch_id, _scope())

    @blp.arguments(schemas.EnrolSchema)
    @blp.response(201, schemas.EnrollmentSchema(many=True))
    def post(self, data, batch_id):
        """Enrol employees: all or none (capacity, overlapping batches, known active employees)."""
        with context().uow() as uow:
            return handlers.enrol(uow, batch_id, data["nips"])


@blp.route("/batches/<batch_id>/enrollments/<nip>/withdrawal")
class Withdrawal(MethodView):
    @blp.arguments(schemas.WithdrawalSchema)
    @blp.response(200, schemas.EnrollmentSchema(many=True))
    def post(self, data, batch_id, nip):
        """Withdraw a participant before the batch starts, with a reason (ParticipantWithdrawn: their needs go back
        to the candidates); with ``replacement_nip``, another ASN takes the place (enrolled by the same rules, all or
        nothing). Answers the withdrawn enrolment (and the new one). 409 once the batch has started."""
        with context().uow() as uow:
            return handlers.withdraw(
                uow, context().settings, batch_id, nip, data["reason"], data.get("replacement_nip")
            )


@blp.route("/batches/<batch_id>/enrollments/<nip>/post-test")
class PostTest(MethodView):
    @blp.arguments(schemas.PostTestSchema)
    @blp.response(200, schemas.EnrollmentSchema)
    def put(self, data, batch_id, nip):
        """BKPSDM enters a participant's post-test score (0–100)."""
        with context().uow() as uow:
            return handlers.set_post_test(uow, batch_id, nip, data["score"], _scope())


@blp.route("/batches/<batch_id>/close")
class CloseBatch(MethodView):
    @blp.arguments(schemas.CloseSchema)
    @blp.response(200, schemas.EnrollmentSchema(many=True))
    def post(self, data, batch_id):
        """Decide every enrolment (TrainingCompleted / TrainingNotCompleted); closing again changes nothing. Before
        the last meeting has ended, 409 unless ``force_reason`` says why it closes early."""
        with context().uow() as uow:
            handlers.close_batch(uow, context().settings, batch_id, data.get("force_reason"))
        with read_session() as session:
            return views.roster_enrollments(session, batch_id)


@blp.route("/batches/<batch_id>/reopen")
class ReopenBatch(MethodView):
    @blp.arguments(schemas.ReopenSchema)
    @blp.response(200, schemas.BatchSchema)
    def post(self, data, batch_id):
        """Reopen a closed batch to correct it, within REOPEN_WINDOW_DAYS: every decision is revoked
        (TrainingDecisionRevoked: JP un-credited, open evaluation tasks cancelled) and the participants are enrolled
        again; close it again to decide afresh. 409 for an open batch or past the window."""
        with context().uow() as uow:
            handlers.reopen_batch(uow, context().settings, batch_id, data["reason"])
        with read_session() as session:
            return views.batch(session, batch_id, minutes_per_jp=context().settings.minutes_per_jp)


# --- the partner's own routes -------------------------------------------------------------------


@blp.route("/partner/batches")
class PartnerBatches(MethodView):
    @blp.response(200, schemas.BatchSchema(many=True))
    def get(self):
        """The calling partner's batches."""
        partner_code = _partner_code()
        with read_session() as session:
            return views.partner_batches(session, partner_code)


@blp.route("/partner/batches/<batch_id>/enrollments")
class PartnerRoster(MethodView):
    @blp.response(200, schemas.RosterEntrySchema(many=True))
    def get(self, batch_id):
        """A partner's own batch: its participants and their attendance so far."""
        partner_code = _partner_code()
        with read_session() as session:
            return views.roster(session, batch_id, partner_code)


# --- attendance without a partner integration ----------------------------------------------------


@blp.route("/batches/<batch_id>/meetings/<int:meeting_no>/attendance")
class MeetingAttendance(MethodView):
    @blp.response(200, schemas.MeetingAttendanceSchema(many=True))
    def get(self, batch_id, meeting_no):
        """Each participant's attendance at one meeting as recorded so far, with its source and note."""
        with read_session() as session:
            views.batch(session, batch_id, _scope())
            return views.meeting_attendance(session, batch_id, meeting_no)

    @blp.arguments(schemas.RosterAttendanceSchema)
    @blp.response(200, schemas.RosterReportSchema)
    def put(self, data, batch_id, meeting_no):
        """BKPSDM marks a meeting from the roster (in-house trainings, coaching, partners without an integration):
        present, absent or excused, with a note. The same outcomes, corrections and AttendanceRecorded events as
        the partner API (source ``roster``)."""
        with context().uow() as uow:
            handlers.own_batch(uow, batch_id, _scope())
            uow.get(Meeting, (batch_id, meeting_no), "meeting")
            results = handlers.record_roster_attendance(uow, batch_id, meeting_no, data["records"])
        for result, record in zip(results, data["records"], strict=True):
            result["nip"] = record["nip"]
        return {"results": results, "accepted": sum(r["outcome"] == "accepted" for r in results)}


@blp.route("/batches/<batch_id>/attendance-sheet")
class AttendanceSheet(MethodView):
    @blp.arguments(schemas.SheetQuery, location="query")
    @blp.doc(
        responses={
            "200": {
                "description": "The batch's attendance sheet: NIP, Nama, Pertemuan, Tanggal, Status, Catatan",
                "content": {
                    m.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                    for m in sheets.CONTENT_TYPES.values()
                },
            }
        }
    )
    def get(self, args, batch_id):
        """The attendance sheet to fill in (XLSX or CSV): a row per participant and meeting, with what is recorded
        so far. Fill Status with Hadir, Tidak hadir or Izin and import it back."""
        with read_session() as session:
            views.batch(session, batch_id, _scope())
            rows = views.sheet_rows(session, batch_id)
        content = sheets.render(rows, views.SHEET_COLUMNS, args["format"], "Daftar hadir")
        return Response(
            content,
            headers={
                "Content-Type": sheets.CONTENT_TYPES[args["format"]],
                "Content-Disposition": f'attachment; filename="daftar-hadir-{batch_id}.{args["format"]}"',
            },
        )

    @body_limit("max_sheet_bytes")
    @blp.arguments(schemas.SheetFormSchema, location="files")
    @blp.response(200, schemas.SheetReportSchema)
    def post(self, files, batch_id):
        """Import a filled attendance sheet, row by row: readable rows are recorded together (source ``sheet``),
        each unreadable one reported with its row number and field; importing the same file again changes
        nothing."""
        upload = files["file"]
        with context().uow() as uow:
            handlers.own_batch(uow, batch_id, _scope())
            return handlers.import_attendance_sheet(uow, batch_id, upload.read(), upload.filename or "daftar-hadir.csv")


PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


def _pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        headers={"Content-Type": "application/pdf", "Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _file_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)


@blp.route("/batches/<batch_id>/meetings/<int:meeting_no>")
class MeetingItem(MethodView):
    @blp.arguments(schemas.MeetingSchema)
    @blp.response(200, schemas.BatchSchema)
    def put(self, data, batch_id, meeting_no):
        """Move a meeting of an open batch (date, time, place); its participants are told and their calendars
        follow. 409 once the batch is closed, or for a new date or time of a meeting whose attendance is recorded."""
        with context().uow() as uow:
            handlers.reschedule_meeting(uow, batch_id, meeting_no, data)
        with read_session() as session:
            return views.batch(session, batch_id, minutes_per_jp=context().settings.minutes_per_jp)


@blp.route("/batches/<batch_id>/meetings/<int:meeting_no>/signature-sheet")
class SignatureSheet(MethodView):
    @blp.doc(responses={"200": {"description": "The meeting's attendance sheet for signatures (PDF)", "content": PDF}})
    def get(self, batch_id, meeting_no):
        """The attendance sheet (daftar hadir) of one meeting as PDF, for the participants to sign at the venue: a
        row each (name, NIP, OPD), a column for the signature."""
        with read_session() as session:
            content = views.signature_sheet(session, batch_id, meeting_no, _scope())
        return _pdf(content, f"daftar-hadir-{batch_id}-pertemuan-{meeting_no}.pdf")


@blp.route("/batches/<batch_id>/call-up-letter")
class CallUpLetter(MethodView):
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(responses={"200": {"description": "The call-up letters, one per OPD (PDF)", "content": PDF}})
    def get(self, batch_id):
        """The call-up letter (surat panggilan) of a batch as PDF: to the head of each OPD with participants, their
        names, the program and the schedule; 409 while nobody is nominated."""
        with read_session() as session:
            content = views.call_up_letter(session, batch_id, context().settings.today())
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
            number, content = views.certificate_pdf(session, enrollment_id, caller(), context().settings.public_url)
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
            return views.certificate_check(session, args["number"])


@blp.route("/batches/<batch_id>/meetings/<int:meeting_no>/check-in-code")
class CheckInCode(MethodView):
    @blp.response(200, schemas.CheckInCodeSchema)
    def get(self, batch_id, meeting_no):
        """The meeting's check-in code now, to show at the venue as a QR code (the web UI renders and refreshes it):
        signed, it changes every CHECK_IN_ROTATE_SECONDS and works one period more."""
        settings = context().settings
        with read_session() as session:
            if session.get(Meeting, (batch_id, meeting_no)) is None:
                raise NotFound(f"No meeting {meeting_no} in batch {batch_id}.")
        code, until = domain.check_in_code(
            handlers.check_in_key(settings), batch_id, meeting_no, time.time(), settings.check_in_rotate_seconds
        )
        return {
            "code": code,
            "path": f"/hadir?kode={code}",
            "valid_until": dt.datetime.fromtimestamp(until, dt.UTC),
            "rotate_seconds": settings.check_in_rotate_seconds,
        }


@blp.route("/check-in")
class CheckIn(MethodView):
    @blp.arguments(schemas.CheckInSchema)
    @blp.response(201, schemas.CheckInResultSchema)
    def post(self, data):
        """A participant at the venue records their own presence with the code shown there: only during the
        meeting (from CHECK_IN_EARLY_MINUTES before it starts to its end), only for their own enrolment, once.
        422 for a code Bangkom did not make or that expired; 403 for someone not enrolled; 409 outside the
        meeting or a second time."""
        with context().uow() as uow:
            return handlers.check_in(uow, context().settings, data["code"], caller().subject)


@blp.route("/partner/attendance")
class PartnerAttendance(MethodView):
    @body_limit("max_attendance_body_bytes")
    @blp.arguments(schemas.AttendanceBatchSchema)
    @blp.response(200, schemas.AttendanceReportSchema)
    def post(self, data):
        """Up to MAX_ATTENDANCE_RECORDS records, each with the partner's own event id; one result per record."""
        partner_code = _partner_code()
        limit = context().settings.max_attendance_records
        if len(data["records"]) > limit:
            raise Invalid(
                f"At most {limit} records per request; split them.",
                errors=[{"field": "records", "message": f"{len(data['records'])} records, over {limit}."}],
            )
        with context().uow() as uow:
            results = handlers.record_attendance(uow, partner_code, data["records"])
        return {"results": results, "accepted": sum(r["outcome"] == "accepted" for r in results)}


@blp.route("/partner/batches/<batch_id>/enrollments/<nip>/post-test")
class PartnerPostTest(MethodView):
    @blp.arguments(schemas.PostTestSchema)
    @blp.response(200, schemas.EnrollmentSchema)
    def put(self, data, batch_id, nip):
        """The partner enters a participant's post-test score (0–100)."""
        partner_code = _partner_code()
        with context().uow() as uow:
            return handlers.set_post_test(uow, batch_id, nip, data["score"], partner_code)


SINGLE_STATUS = {"accepted": 201, "superseded": 200, "duplicate": 200}


@blp.route("/partner/attendance/record")
class PartnerAttendanceRecord(MethodView):
    @blp.arguments(schemas.AttendanceRecordSchema)
    @blp.response(201, schemas.AttendanceResultSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(
        200, schema=schemas.AttendanceResultSchema, description="superseded or duplicate: nothing changed"
    )
    def post(self, data):
        """One attendance record: 201 accepted; 200 superseded or duplicate; 404 unknown batch, participant or
        meeting; 409 the same event id with another body, or a closed batch."""
        partner_code = _partner_code()
        with context().uow() as uow:
            [result] = handlers.record_attendance(uow, partner_code, [data])
        outcome = result["outcome"]
        if outcome == "not_found":
            raise NotFound(
                f"No such {result['field']} in your batches.",
                errors=[{"field": result["field"], "message": "Not found."}],
            )
        if outcome == "conflict":
            raise Conflict(
                f"Event id {data['event_id']} was already received with a different body.",
                errors=[{"field": "event_id", "message": "Reused with another body."}],
            )
        if outcome == "closed":
            raise Conflict(
                "The batch is closed; its attendance is final.", errors=[{"field": "batch_id", "message": "Closed."}]
            )
        return result, SINGLE_STATUS[outcome]


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
