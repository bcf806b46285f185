"""marshmallow request and response schemas of the evaluation service's HTTP API."""

from __future__ import annotations

from marshmallow import Schema, post_load, validate

from services.evaluation import commands, domain
from shared import fields, nip

LIKERT = validate.Range(min=1, max=5, error="Answer 1 (sangat tidak setuju) to 5 (sangat setuju).")
SCORE = validate.Range(min=0, max=100, error="A score is between 0 and 100.")


class ReactionSubmission(Schema):
    content = fields.Integer(required=True, validate=LIKERT)
    trainer = fields.Integer(required=True, validate=LIKERT)
    relevance = fields.Integer(required=True, validate=LIKERT)
    organisation = fields.Integer(required=True, validate=LIKERT)
    themes = fields.List(
        fields.String(validate=validate.OneOf(domain.THEMES)),
        load_default=list,
        validate=validate.Length(max=len(domain.THEMES)),
    )
    comments = fields.String(load_default="", validate=validate.Length(max=4000))

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.ReactionAnswers:
        return commands.ReactionAnswers(**{**data, "themes": tuple(data["themes"])})


class LearningSubmission(Schema):
    pre_score = fields.Float(load_default=None, allow_none=True, validate=SCORE)
    post_score = fields.Float(required=True, validate=SCORE)

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.LearningScores:
        return commands.LearningScores(**data)


class RubricLine(Schema):
    competency_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    level = fields.Integer(required=True, validate=validate.Range(min=1, max=5, error="A level is between 1 and 5."))
    note = fields.String(load_default="", validate=validate.Length(max=2000))

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.RubricLine:
        return commands.RubricLine(**data)


class BehaviorSubmission(Schema):
    project_title = fields.String(required=True, validate=validate.Length(min=3, max=300))
    description = fields.String(required=True, validate=validate.Length(min=10, max=8000))
    rubric = fields.List(fields.Nested(RubricLine), required=True, validate=validate.Length(min=1))

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.ProjectAssessment:
        return commands.ProjectAssessment(**{**data, "rubric": tuple(data["rubric"])})


SUBMISSIONS = {"reaction": ReactionSubmission, "learning": LearningSubmission, "behavior": BehaviorSubmission}


class CorrectionSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=5, max=2000))
    submission = fields.Dict(required=True)


class ReopenSchema(Schema):
    due_on = fields.Date(required=True, metadata={"description": "The new due date for the late answer"})


class ReassignSchema(Schema):
    assignee_nip = fields.String(required=True, validate=nip.FORMAT, metadata={"description": "Who assesses it now"})
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class CloseTaskSchema(Schema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=3, max=500),
        metadata={"description": "Why it will not be answered (kept on the task)"},
    )


class TaskSchema(Schema):
    id = fields.String()
    kind = fields.String()
    enrollment_id = fields.String()
    nip = fields.String()
    batch_id = fields.String()
    program_title = fields.String(allow_none=True, metadata={"description": "In listings: the program's title"})
    assignee_nip = fields.String(allow_none=True)
    assignee_partner = fields.String(
        allow_none=True, metadata={"description": "A learning task: the program's partner (its users enter the test)"}
    )
    flagged = fields.Boolean(metadata={"description": "No known supervisor: BKPSDM must act"})
    opens_on = fields.Date()
    due_on = fields.Date()
    status = fields.String()
    overdue = fields.Boolean()
    submission = fields.Dict(allow_none=True)
    submitted_by = fields.String(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    closed_reason = fields.String(allow_none=True, metadata={"description": "BKPSDM closed it unanswered: why"})
    closed_by = fields.String(allow_none=True)


class TaskQuery(Schema):
    status = fields.String(validate=validate.OneOf(["open", "submitted", "expired"]))
    kind = fields.String(validate=validate.OneOf(domain.KINDS))
    assignee_nip = fields.String()
    nip = fields.String()
    batch_id = fields.String()
    unit_code = fields.String()
    overdue = fields.Boolean()
    flagged = fields.Boolean()


class OverdueGroupSchema(Schema):
    key = fields.String(
        allow_none=True, metadata={"description": "the assignee NIP (null: partner or BKPSDM) or the OPD"}
    )
    open = fields.Integer()
    overdue = fields.Integer()


class ReportQuery(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "xlsx"]))


class _Reaction(Schema):
    mean = fields.Float(allow_none=True)
    responses = fields.Integer()
    distribution = fields.Dict(keys=fields.String(), values=fields.Integer())


class _Learning(Schema):
    pairs = fields.Integer()
    mean_pre = fields.Float(allow_none=True)
    mean_post = fields.Float(allow_none=True)
    mean_gain = fields.Float(allow_none=True)
    normalised_gain = fields.Float(allow_none=True)
    p_value = fields.Float(allow_none=True)
    significant = fields.Boolean()
    test = fields.String()


class _Behavior(Schema):
    assessed = fields.Integer(metadata={"description": "project assessments (L3) submitted"})
    reached = fields.Integer(metadata={"description": "of them, at the target level in every target competency"})
    enough = fields.Boolean(metadata={"description": "at least MIN_BEHAVIOR_ASSESSMENTS: the pass rate counts"})


class _Theme(Schema):
    theme = fields.String()
    count = fields.Integer()


class EffectivenessSchema(Schema):
    """A batch's or program's effectiveness (docs/evaluation.md)."""

    participants = fields.Integer()
    response_rate = fields.Float(allow_none=True, metadata={"description": "share who answered the questionnaire"})
    tasks = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()))
    reaction = fields.Nested(_Reaction)
    learning = fields.Nested(_Learning)
    behavior_pass_rate = fields.Float(allow_none=True)
    behavior = fields.Nested(_Behavior)
    levels = fields.List(
        fields.String(),
        metadata={"description": "the levels the program's form is evaluated on (EVALUATION_LEVELS_BY_FORM)"},
    )
    themes = fields.List(fields.Nested(_Theme))
    recommendation = fields.String(
        metadata={"enum": ["repeat", "improve", "discontinue", "insufficient_data"]},
    )
