"""HTTP layer of the evaluation service: parse with schemas, call a handler or a view, dump with schemas.

Submitting and correcting need the caller's identity as the gateway signs it (``shared.identity``):
only a task's assignee submits it, only BKPSDM corrects.
"""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError

from services.evaluation import commands, handlers, schemas, views
from shared.errors import Invalid, flatten_errors
from shared.identity import own_unit
from shared.web import access_rules, caller, context, paged, read_session

blp = Blueprint(
    "evaluation",
    __name__,
    url_prefix="/api/v1/evaluation",
    description="Post-training evaluation: tasks, submissions, the closed loop, program effectiveness.",
)


ADMIN, PEOPLE = ("admin",), ("admin", "supervisor", "employee")
# Who may call what (docs/access.md); submitting also checks that the caller is the task's assignee.
ACCESS = access_rules(
    blp.url_prefix,
    {
        "GET /tasks": ("admin", "opd"),  # an OPD: its own people's
        "GET /tasks/<task_id>": ("admin", "opd"),
        "GET /my/tasks": ("supervisor", "employee", "partner"),
        "POST /tasks/<task_id>/submission": (*PEOPLE, "partner"),
        "PUT /tasks/<task_id>/submission": ADMIN,
        "GET /overdue/by-assignee": ADMIN,
        "PUT /tasks/<task_id>/assignee": ADMIN,
        "GET /overdue/by-unit": ("admin", "opd"),
        "POST /expire": ADMIN,
        "POST /tasks/<task_id>/reopen": ADMIN,
        "POST /tasks/<task_id>/close": ADMIN,
        "GET /reports/batches/<batch_id>": ADMIN,
        "GET /reports/programs/<program_id>": ADMIN,
    },
)


def _load_submission(kind: str, body: dict) -> commands.Submission:
    try:
        return schemas.SUBMISSIONS[kind]().load(body)
    except ValidationError as exc:
        raise Invalid(
            f"The {kind} submission has invalid fields; correct them and send it again.",
            errors=flatten_errors(exc.messages),
        ) from None


def _tasks(pagination_parameters, filters):
    today = context().settings.today()
    return paged(pagination_parameters, lambda session, page, size: views.tasks(session, filters, today, page, size))


@blp.route("/tasks")
class Tasks(MethodView):
    @blp.arguments(schemas.TaskQuery, location="query")
    @blp.response(200, schemas.TaskSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Tasks (filter by status, kind, assignee, participant, batch, OPD, overdue, flagged), earliest due first; an
        OPD user's own unit's participants."""
        return _tasks(pagination_parameters, own_unit(caller(), args))


@blp.route("/my/tasks")
class MyTasks(MethodView):
    @blp.arguments(schemas.TaskQuery(only=("status", "kind", "overdue")), location="query")
    @blp.response(200, schemas.TaskSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """The caller's own tasks: as participant (reaction), as supervisor (behaviour), or as a partner institution's
        user its learning tasks (answered by entering the post-test on the batch)."""
        who = caller()
        mine = {"assignee_partner": who.partner_code} if who.has_role("partner") else {"assignee_nip": who.subject}
        return _tasks(pagination_parameters, args | mine)


@blp.route("/tasks/<task_id>")
class TaskItem(MethodView):
    @blp.response(200, schemas.TaskSchema)
    def get(self, task_id):
        """One task, with whether it is overdue (an OPD user: of its own unit's participant, else not found)."""
        with read_session() as session:
            task = views.get_task(session, task_id, own_unit(caller(), {}).get("unit_code"))
            return views.task_view(task, context().settings.today())


def _json_object() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("Send a JSON object.", errors=[{"field": "_schema", "message": "Not a JSON object."}])
    return body


@blp.route("/tasks/<task_id>/submission")
class Submission(MethodView):
    @blp.doc(
        requestBody={
            "required": True,
            "description": "The submission of the task's kind",
            "content": {"application/json": {"schema": {"oneOf": list(schemas.SUBMISSIONS.values())}}},
        }
    )
    @blp.response(201, schemas.TaskSchema)
    def post(self, task_id):
        """Submit a task once, as its assignee. The body follows the task's kind: reaction (content, trainer,
        relevance, organisation 1–5, themes, comments), learning (pre_score?, post_score 0–100), behavior
        (project_title, description, rubric: [{competency_code, level 1–5, note}] of the program's competencies)."""
        who = caller()
        with read_session() as session:
            kind = views.get_task(session, task_id).kind
        submission = _load_submission(kind, _json_object())
        with context().uow() as uow:
            task = handlers.submit(uow, context().settings, task_id, submission, who)
        return views.task_view(task, context().settings.today())

    @blp.arguments(schemas.CorrectionSchema)
    @blp.response(200, schemas.TaskSchema)
    def put(self, data, task_id):
        """BKPSDM corrects a submitted task, with a reason; the change is kept in the audit trail."""
        who = caller()
        with read_session() as session:
            kind = views.get_task(session, task_id).kind
        submission = _load_submission(kind, data["submission"])
        with context().uow() as uow:
            task = handlers.correct(uow, context().settings, task_id, submission, data["reason"], who)
        return views.task_view(task, context().settings.today())


@blp.route("/overdue/by-assignee")
class OverdueByAssignee(MethodView):
    @blp.response(200, schemas.OverdueGroupSchema(many=True))
    def get(self):
        """Open (already opened) and overdue tasks per assignee NIP; null is the partner or BKPSDM."""
        with read_session() as session:
            return views.open_work_by(session, "assignee", context().settings.today())


@blp.route("/overdue/by-unit")
class OverdueByUnit(MethodView):
    @blp.response(200, schemas.OverdueGroupSchema(many=True))
    def get(self):
        """Open and overdue tasks per OPD of the participant (an OPD user: its own)."""
        unit_code = own_unit(caller(), {}).get("unit_code")
        with read_session() as session:
            rows = views.open_work_by(session, "unit", context().settings.today())
        return [row for row in rows if unit_code is None or row["key"] == unit_code]


@blp.route("/tasks/<task_id>/reopen")
class Reopen(MethodView):
    @blp.arguments(schemas.ReopenSchema)
    @blp.response(200, schemas.TaskSchema)
    def post(self, data, task_id):
        """BKPSDM reopens an expired task for a late answer, until a new due date (409 unless it is expired)."""
        with context().uow() as uow:
            task = handlers.reopen_task(uow, context().settings, task_id, data["due_on"])
        return views.task_view(task, context().settings.today())


@blp.route("/tasks/<task_id>/close")
class Close(MethodView):
    @blp.arguments(schemas.CloseTaskSchema)
    @blp.response(200, schemas.TaskSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, data, task_id):
        """BKPSDM closes an open task that will not be answered, with a reason: it counts as expired (a project
        assessment's needs go back to the plan) and can be reopened later (409 unless it is open)."""
        with context().uow() as uow:
            task = handlers.close_task(uow, context().settings, task_id, data["reason"], caller().subject)
        return views.task_view(task, context().settings.today())


@blp.route("/tasks/<task_id>/assignee")
class Reassign(MethodView):
    @blp.arguments(schemas.ReassignSchema)
    @blp.response(200, schemas.TaskSchema)
    def put(self, data, task_id):
        """BKPSDM gives an open project assessment (L3) to another supervisor, with a reason (409 unless it is an open
        project assessment; 422 when the new assignee is not an active employee, or is the participant)."""
        with context().uow() as uow:
            task = handlers.reassign_task(uow, task_id, data["assignee_nip"], data["reason"])
        return views.task_view(task, context().settings.today())


@blp.route("/expire")
class Expire(MethodView):
    @blp.response(200, schemas.OverdueGroupSchema)
    def post(self):
        """Expire tasks past their due date and evaluate the batches that are then complete (also a CLI for cron)."""
        with context().uow() as uow:
            expired = handlers.expire_overdue(uow, context().settings)
        return {"key": "expired", "open": 0, "overdue": expired}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(title: str, figures: dict, file_format: str):
    if file_format == "xlsx":
        return Response(
            views.report_xlsx(title, figures),
            mimetype=XLSX,
            headers={"Content-Disposition": f'attachment; filename="evaluasi-{title}.xlsx"'},
        )
    return figures


REPORT_XLSX = {
    "responses": {
        "200": {
            "description": "The figures as JSON, or with ?format=xlsx as a workbook",
            "content": {
                "application/json": {"schema": schemas.EffectivenessSchema},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


@blp.route("/reports/batches/<batch_id>")
class BatchReport(MethodView):
    @blp.arguments(schemas.ReportQuery, location="query")
    @blp.response(200, schemas.EffectivenessSchema)
    @blp.doc(**REPORT_XLSX)
    def get(self, args, batch_id):
        """A batch's effectiveness: reaction, learning gain with its significance test, behaviour, recommendation, themes."""
        with read_session() as session:
            figures = views.batch_figures(
                session,
                batch_id=batch_id,
                min_response_rate=context().settings.min_response_rate,
                min_behavior_assessments=context().settings.min_behavior_assessments,
                levels_of=context().settings.levels_of,
            )
        return _report(f"angkatan-{batch_id}", figures, args["format"])


@blp.route("/reports/programs/<program_id>")
class ProgramReport(MethodView):
    @blp.arguments(schemas.ReportQuery, location="query")
    @blp.response(200, schemas.EffectivenessSchema)
    @blp.doc(**REPORT_XLSX)
    def get(self, args, program_id):
        """A program's effectiveness over all its batches."""
        with read_session() as session:
            figures = views.batch_figures(
                session,
                program_id=program_id,
                min_response_rate=context().settings.min_response_rate,
                min_behavior_assessments=context().settings.min_behavior_assessments,
                levels_of=context().settings.levels_of,
            )
        return _report(f"program-{program_id}", figures, args["format"])
