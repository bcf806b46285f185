"""HTTP layer of the notifications service: a person's own preferences; BKPSDM's view of the messages and of the
failed deliveries, with sending again."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.notifications import delivery, handlers, schemas, views
from shared.errors import Conflict, NotFound
from shared.web import access_rules, caller, context, paged, read_session

blp = Blueprint(
    "notifications",
    __name__,
    url_prefix="/api/v1/notifications",
    description="Messages to people (e-mail): preferences, what was sent, failed deliveries.",
)

ADMIN, PEOPLE = ("admin",), ("admin", "supervisor", "employee")
ACCESS = access_rules(
    blp.url_prefix,
    {
        "GET /preferences/me": PEOPLE,
        "PUT /preferences/me": PEOPLE,
        "GET /messages": ADMIN,
        "POST /messages/<message_id>/resend": ADMIN,
        "GET /calendars/me": PEOPLE,
        "POST /calendars/me/feed": PEOPLE,
        "DELETE /calendars/me/feed": PEOPLE,
        "GET /calendars/batches/<batch_id>": (*PEOPLE, "partner"),
        "POST /calendars/batches/<batch_id>/feed": ADMIN,
        "DELETE /calendars/batches/<batch_id>/feed": ADMIN,
        "GET /calendars/feed": ("gateway",),
    },
)


@blp.route("/preferences/me")
class MyPreferences(MethodView):
    @blp.response(200, schemas.PreferenceSchema)
    def get(self):
        """The caller's language and muted kinds, and every kind with whether it can be muted."""
        with read_session() as session:
            return views.preference(session, caller().subject)

    @blp.arguments(schemas.PreferenceSchema)
    @blp.response(200, schemas.PreferenceSchema)
    def put(self, data):
        """Choose the language of one's messages and which optional kinds not to receive (a call-up and a due
        evaluation always come)."""
        with context().uow() as uow:
            handlers.set_preference(uow, caller().subject, data["language"], data["muted"])
        with read_session() as session:
            return views.preference(session, caller().subject)


@blp.route("/messages")
class Messages(MethodView):
    @blp.arguments(schemas.MessageQuery, location="query")
    @blp.response(200, schemas.MessageSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """The messages, newest first (filter by status — e.g. failed — person or kind)."""
        return paged(pagination_parameters, lambda s, page, size: views.messages(s, args, page, size))


@blp.route("/messages/<message_id>/resend")
class Resend(MethodView):
    @blp.response(200, schemas.MessageSchema)
    def post(self, message_id):
        """Send a failed message (or one that had no address) again, to the person's address as now known."""
        found = delivery.send_again(context().database, context().settings, message_id)
        if found is None:
            raise NotFound(f"No message {message_id}.")
        if found.status != "queued":
            raise Conflict(
                f"Only a failed message with an address can be sent again; this one is {found.status}.",
                errors=[{"field": "status", "message": "Not failed, or no address."}],
            )
        return found


ICS = {"text/calendar": {"schema": {"type": "string"}}}


def _ics(content: bytes, filename: str | None = None) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'} if filename else {}
    return Response(content, mimetype="text/calendar", headers=headers)


def _feed_answer(owner_kind: str, owner: str, token: str | None = None) -> dict:
    with read_session() as session:
        found = handlers.feed_state(session, owner_kind, owner)
    return {
        "subscribed": found is not None,
        "created_at": found.created_at if found else None,
        "token": token,
        "path": f"/kalender/{token}.ics" if token else None,
    }


@blp.route("/calendars/me")
class MyCalendar(MethodView):
    @blp.doc(responses={"200": {"description": "The caller's calendar (iCalendar)", "content": ICS}})
    def get(self):
        """The caller's calendar as an ``.ics`` file: the meetings of their batches and the due dates of the
        evaluations they must answer."""
        with read_session() as session:
            content = handlers.person_calendar(session, context().settings, caller().subject)
        return _ics(content, "bangkom.ics")


@blp.route("/calendars/me/feed")
class MyCalendarFeed(MethodView):
    @blp.response(200, schemas.CalendarFeedSchema)
    def post(self):
        """A secret subscription address for the caller's calendar (shown once; any earlier one stops working):
        the gateway serves it at ``/kalender/<token>.ics`` without a login, for calendar applications."""
        with context().uow() as uow:
            token = handlers.new_feed(uow, "person", caller().subject, caller().subject)
        return _feed_answer("person", caller().subject, token)

    @blp.response(200, schemas.CalendarFeedSchema)
    def delete(self):
        """Stop the caller's subscription address."""
        with context().uow() as uow:
            handlers.revoke_feeds(uow, "person", caller().subject)
        return _feed_answer("person", caller().subject)


@blp.route("/calendars/batches/<batch_id>")
class BatchCalendar(MethodView):
    @blp.doc(responses={"200": {"description": "The batch's meetings (iCalendar)", "content": ICS}})
    def get(self, batch_id):
        """A batch's meetings as an ``.ics`` file (a partner: its own batches only, 404 for the others)."""
        who = caller()
        scope = None if who.has_role("admin", "supervisor", "employee") else (who.partner_code or "-")
        with read_session() as session:
            content = handlers.batch_calendar(session, context().settings, batch_id, scope)
        if content is None:
            raise NotFound(f"No batch {batch_id}.")
        return _ics(content, f"angkatan-{batch_id}.ics")


@blp.route("/calendars/batches/<batch_id>/feed")
class BatchCalendarFeed(MethodView):
    @blp.response(200, schemas.CalendarFeedSchema)
    def post(self, batch_id):
        """A secret subscription address for a batch's calendar (e.g. for the partner's trainers); any earlier one
        stops working."""
        with read_session() as session:
            if handlers.batch_calendar(session, context().settings, batch_id) is None:
                raise NotFound(f"No batch {batch_id}.")
        with context().uow() as uow:
            token = handlers.new_feed(uow, "batch", batch_id, caller().subject)
        return _feed_answer("batch", batch_id, token)

    @blp.response(200, schemas.CalendarFeedSchema)
    def delete(self, batch_id):
        """Stop the batch's subscription address."""
        with context().uow() as uow:
            handlers.revoke_feeds(uow, "batch", batch_id)
        return _feed_answer("batch", batch_id)


@blp.route("/calendars/feed")
class CalendarBySecret(MethodView):
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.arguments(schemas.FeedQuery, location="query")
    @blp.doc(responses={"200": {"description": "The calendar the secret opens (iCalendar)", "content": ICS}})
    def get(self, args):
        """The calendar a secret subscription address opens (asked by the gateway for ``/kalender/<token>.ics``);
        404 for an unknown or revoked secret."""
        settings = context().settings
        with read_session() as session:
            owner = handlers.feed_owner(session, args["token"])
            if owner is None:
                raise NotFound("No calendar at this address: it was revoked or never existed.")
            kind, who = owner
            if kind == "person":
                content = handlers.person_calendar(session, settings, who)
            else:
                content = handlers.batch_calendar(session, settings, who) or b""
        return _ics(content)
