"""Routes of check-in at the venue: the meeting's code (QR) and a participant checking in with it."""

from __future__ import annotations

import datetime as dt
import time

from flask.views import MethodView

from services.training import domain, handlers, schemas
from services.training.api.blueprint import blp
from services.training.models import Meeting
from shared.errors import NotFound
from shared.web import caller, context, read_session


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
