"""Routes of attendance: by meeting or sheet from BKPSDM, in bulk or one record at a time from a partner."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from services.training import handlers, schemas, views
from services.training.api.blueprint import blp, partner_code_of_caller, scope
from services.training.models import Meeting
from shared import sheets
from shared.edge import body_limit
from shared.errors import Conflict, Invalid, NotFound
from shared.web import context, read_session


@blp.route("/batches/<batch_id>/meetings/<int:meeting_no>/attendance")
class MeetingAttendance(MethodView):
    @blp.response(200, schemas.MeetingAttendanceSchema(many=True))
    def get(self, batch_id, meeting_no):
        """Each participant's attendance at one meeting as recorded so far, with its source and note."""
        with read_session() as session:
            views.batch(session, batch_id, scope())
            return views.meeting_attendance(session, batch_id, meeting_no)

    @blp.arguments(schemas.RosterAttendanceSchema)
    @blp.response(200, schemas.RosterReportSchema)
    def put(self, data, batch_id, meeting_no):
        """BKPSDM marks a meeting from the roster (in-house trainings, coaching, partners without an integration):
        present, absent or excused, with a note. The same outcomes, corrections and AttendanceRecorded events as
        the partner API (source ``roster``)."""
        with context().uow() as uow:
            handlers.own_batch(uow, batch_id, scope())
            uow.get(Meeting, (batch_id, meeting_no), "meeting")
            results = handlers.record_roster_attendance(uow, batch_id, meeting_no, data["records"])
        for result, record in zip(results, data["records"], strict=True):
            result["nip"] = record.nip
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
            views.batch(session, batch_id, scope())
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
            handlers.own_batch(uow, batch_id, scope())
            return handlers.import_attendance_sheet(uow, batch_id, upload.read(), upload.filename or "daftar-hadir.csv")


@blp.route("/partner/attendance")
class PartnerAttendance(MethodView):
    @body_limit("max_attendance_body_bytes")
    @blp.arguments(schemas.AttendanceBatchSchema)
    @blp.response(200, schemas.AttendanceReportSchema)
    def post(self, data):
        """Up to MAX_ATTENDANCE_RECORDS records, each with the partner's own event id; one result per record."""
        partner_code = partner_code_of_caller()
        limit = context().settings.max_attendance_records
        if len(data["records"]) > limit:
            raise Invalid(
                f"At most {limit} records per request; split them.",
                errors=[{"field": "records", "message": f"{len(data['records'])} records, over {limit}."}],
            )
        with context().uow() as uow:
            results = handlers.record_attendance(uow, partner_code, data["records"])
        return {"results": results, "accepted": sum(r["outcome"] == "accepted" for r in results)}


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
        partner_code = partner_code_of_caller()
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
                f"Event id {data.event_id} was already received with a different body.",
                errors=[{"field": "event_id", "message": "Reused with another body."}],
            )
        if outcome == "closed":
            raise Conflict(
                "The batch is closed; its attendance is final.", errors=[{"field": "batch_id", "message": "Closed."}]
            )
        return result, SINGLE_STATUS[outcome]
