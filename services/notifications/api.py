"""HTTP layer of the notifications service: a person's own preferences; BKPSDM's view of the messages and of the
failed deliveries, with sending again."""

from __future__ import annotations

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
        found = delivery.send_again(context().database, message_id)
        if found is None:
            raise NotFound(f"No message {message_id}.")
        if found.status != "queued":
            raise Conflict(
                f"Only a failed message with an address can be sent again; this one is {found.status}.",
                errors=[{"field": "status", "message": "Not failed, or no address."}],
            )
        return found
