"""Routes of the programs (training, seminar, workshop, magang, ...) and their batches."""

from __future__ import annotations

from flask.views import MethodView

from services.training import handlers, schemas, views
from services.training.api.blueprint import blp, scope
from shared.errors import Invalid
from shared.web import context, read_session


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
            return views.program(session, program_id, scope())

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
            return views.batch(session, batch_id, scope(), minutes_per_jp=context().settings.minutes_per_jp)


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
