"""The event catalogue v1: the data schema of every event type that crosses a service boundary.

These schemas are the contract (docs/events.md describes them for people). A change of meaning is a
new version (``.v2``) registered beside the old one, never an edit of a published schema. The catalogue
registers each schema with its type and record key in ``shared/registry.py`` (``shared/events.py`` creates and
parses events from it).
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared import forms, nip
from shared.registry import register

LEVEL = validate.Range(min=0, max=5)


def _nip(**kwargs) -> fields.String:
    return fields.String(validate=nip.format_check("NIP must be 18 digits."), **kwargs)


class _Competency(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    target_level = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    name = fields.String(validate=validate.Length(min=1, max=200))  # optional addition of v1: the dictionary's name


# the forms of development (bentuk pengembangan kompetensi, Perlan LAN 10/2018): programs and claims alike
FORMS = list(forms.FORMS)


# --- needs -------------------------------------------------------------------------------------


@register("needs", "EmployeeSynced", 1, key_field="nip")
class EmployeeSynced(Schema):
    nip = _nip(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    position_code = fields.String(required=True, allow_none=True)
    position_name = fields.String(required=True, allow_none=True)
    unit_code = fields.String(required=True, allow_none=True)
    unit_name = fields.String(required=True, allow_none=True)
    rank = fields.String(required=True, allow_none=True)
    supervisor_nip = _nip(required=True, allow_none=True)
    employment_status = fields.String(required=True, validate=validate.OneOf(["PNS", "PPPK"]))
    active = fields.Boolean(required=True)
    # optional additions of v1 (older events lack them)
    email = fields.String(load_default=None, allow_none=True)  # where the account's activation link goes
    jp_cap = fields.Integer(load_default=None, allow_none=True)  # JP a year this ASN may take at most (PPPK)
    jp_target = fields.Integer(load_default=None, allow_none=True)  # JP a year this ASN is owed (20 for a PNS)
    # a PPPK's contract start (TMT): the year of their cap is the contract year from it (``forms.jp_year``)
    contract_start = fields.Date(load_default=None, allow_none=True)


@register("needs", "DevelopmentNeedIdentified", 1, key_field="nip")
class DevelopmentNeedIdentified(Schema):
    need_id = fields.String(required=True)
    nip = _nip(required=True)
    competency_code = fields.String(required=True)
    competency_type = fields.String(required=True, validate=validate.OneOf(["teknis", "manajerial", "sosial_kultural"]))
    required_level = fields.Integer(required=True, validate=LEVEL)
    current_level = fields.Integer(required=True, validate=LEVEL)
    gap = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    priority_score = fields.Float(required=True, validate=validate.Range(min=0))
    plan_year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    # the year's theme whose target level opened it (above the position's standard); absent or null: the standard
    priority_code = fields.String(load_default=None, allow_none=True)


@register("needs", "DevelopmentNeedUpdated", 1, key_field="nip")
class DevelopmentNeedUpdated(Schema):
    """An active need's status (open, planned, in_training, awaiting_evaluation) or figures changed."""

    need_id = fields.String(required=True)
    nip = _nip(required=True)
    competency_code = fields.String(required=True)
    status = fields.String(
        required=True, validate=validate.OneOf(["open", "planned", "in_training", "awaiting_evaluation"])
    )
    gap = fields.Integer(required=True, validate=validate.Range(min=0, max=5))
    priority_score = fields.Float(required=True, validate=validate.Range(min=0))
    plan_year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


@register("needs", "DevelopmentNeedClosed", 1, key_field="nip")
class DevelopmentNeedClosed(Schema):
    need_id = fields.String(required=True)
    nip = _nip(required=True)
    competency_code = fields.String(required=True)
    reason = fields.String(
        required=True,
        validate=validate.OneOf(["gap_closed", "position_changed", "standard_removed", "cancelled", "unassessed"]),
    )


class _ClaimedCompetency(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    level = fields.Integer(required=True, validate=validate.Range(min=1, max=5))


@register("needs", "JpCredited", 1, key_field="nip")
class JpCredited(Schema):
    """A line entered the JP ledger (a Bangkom training, verified outside development, or SIMPEG's history), or
    left it (``jp`` negative: a completion revoked by a reopened batch)."""

    credit_id = fields.String(required=True)
    nip = _nip(required=True)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    jp = fields.Integer(
        required=True, validate=[validate.Range(min=-1000, max=1000), validate.NoneOf([0], error="Must not be 0.")]
    )
    source = fields.String(required=True, validate=validate.OneOf(["bangkom", "external", "simpeg"]))
    year_total = fields.Integer(required=True, validate=validate.Range(min=0))


@register("needs", "ExternalDevelopmentVerified", 1, key_field="nip")
class ExternalDevelopmentVerified(Schema):
    """BKPSDM verified development outside Bangkom against its certificate: it counts like a Bangkom training."""

    record_id = fields.String(required=True)
    nip = _nip(required=True)
    title = fields.String(required=True)
    form = fields.String(required=True, validate=validate.OneOf(FORMS))
    organiser = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    jp = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    competencies = fields.List(fields.Nested(_ClaimedCompetency), required=True)
    certificate_number = fields.String(required=True)
    verified_by = fields.String(required=True)


@register("needs", "ExternalDevelopmentRejected", 1, key_field="nip")
class ExternalDevelopmentRejected(Schema):
    record_id = fields.String(required=True)
    nip = _nip(required=True)
    title = fields.String(required=True)
    reason = fields.String(required=True)
    rejected_by = fields.String(required=True)


@register("needs", "ExternalDevelopmentWithdrawn", 1, key_field="nip")
class ExternalDevelopmentWithdrawn(Schema):
    """BKPSDM took back a verification it found wrong: the JP and levels it gave are taken back."""

    record_id = fields.String(required=True)
    nip = _nip(required=True)
    title = fields.String(required=True)
    reason = fields.String(required=True)
    withdrawn_by = fields.String(required=True)


# --- training ----------------------------------------------------------------------------------


@register("training", "ProgramPublished", 1, key_field="program_id")
class ProgramPublished(Schema):
    program_id = fields.String(required=True)
    code = fields.String(required=True)
    title = fields.String(required=True)
    form = fields.String(required=True, validate=validate.OneOf(FORMS))
    delivery = fields.String(required=True, validate=validate.OneOf(["klasikal", "nonklasikal"]))
    jp = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    partner_code = fields.String(required=True)
    competencies = fields.List(fields.Nested(_Competency), required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class _Meeting(Schema):
    meeting_no = fields.Integer(required=True, validate=validate.Range(min=1))
    date = fields.Date(required=True)
    starts_at = fields.Time(required=True)
    ends_at = fields.Time(required=True)
    place = fields.String(required=True, allow_none=True)
    online = fields.Boolean(required=True)


@register("training", "BatchScheduled", 1, key_field="program_id")
class BatchScheduled(Schema):
    """A batch's meetings, whole: when it is added and whenever a meeting moves (``changed_meetings``)."""

    batch_id = fields.String(required=True)
    program_id = fields.String(required=True)
    number = fields.Integer(required=True)
    meetings = fields.List(fields.Nested(_Meeting), required=True)
    changed_meetings = fields.List(fields.Integer(), required=True)


@register("training", "ParticipantEnrolled", 1, key_field="nip")
class ParticipantEnrolled(Schema):
    enrollment_id = fields.String(required=True)
    nip = _nip(required=True)
    program_id = fields.String(required=True)
    batch_id = fields.String(required=True)


@register("training", "ParticipantWithdrawn", 1, key_field="nip")
class ParticipantWithdrawn(Schema):
    """BKPSDM took a participant out of a batch before it started (and perhaps put another ASN in their place)."""

    enrollment_id = fields.String(required=True)
    nip = _nip(required=True)
    program_id = fields.String(required=True)
    batch_id = fields.String(required=True)
    reason = fields.String(required=True)
    replaced_by = _nip(required=True, allow_none=True)


@register("training", "TrainingDecisionRevoked", 1, key_field="nip")
class TrainingDecisionRevoked(Schema):
    """BKPSDM reopened a closed batch: this participant's TrainingCompleted (or TrainingNotCompleted) no longer holds.
    Its consumers undo what it caused; the batch's next closing decides afresh."""

    enrollment_id = fields.String(required=True)
    nip = _nip(required=True)
    program_id = fields.String(required=True)
    batch_id = fields.String(required=True)
    revoked = fields.String(required=True, validate=validate.OneOf(["completed", "not_completed"]))
    reason = fields.String(required=True)
    competencies = fields.List(fields.Nested(_Competency), required=True)  # what the program targets


@register("training", "LearningTestRecorded", 1, key_field="nip")
class LearningTestRecorded(Schema):
    """The batch's partner or BKPSDM entered (or changed) a participant's pre-test or post-test score: the L2 data."""

    enrollment_id = fields.String(required=True)
    nip = _nip(required=True)
    program_id = fields.String(required=True)
    batch_id = fields.String(required=True)
    test = fields.String(required=True, validate=validate.OneOf(["pre", "post"]))
    score = fields.Float(required=True, validate=validate.Range(min=0, max=100))


@register("training", "AttendanceRecorded", 1, key_field="nip")
class AttendanceRecorded(Schema):
    enrollment_id = fields.String(required=True)
    nip = _nip(required=True)
    batch_id = fields.String(required=True)
    meeting_no = fields.Integer(required=True, validate=validate.Range(min=1))
    status = fields.String(required=True, validate=validate.OneOf(["present", "absent", "excused"]))
    partner_code = fields.String(required=True)
    recorded_at = fields.AwareDateTime(required=True)
    # optional addition of v1 (older events lack it: they came from partners)
    source = fields.String(load_default="partner", validate=validate.OneOf(["partner", "roster", "sheet", "check_in"]))


@register("training", "TrainingCompleted", 1, key_field="nip")
class TrainingCompleted(Schema):
    enrollment_id = fields.String(required=True)
    nip = _nip(required=True)
    program_id = fields.String(required=True)
    batch_id = fields.String(required=True)
    program_title = fields.String(required=True)
    form = fields.String(required=True, validate=validate.OneOf(FORMS))
    jp = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    competencies = fields.List(fields.Nested(_Competency), required=True)
    attendance_rate = fields.Float(required=True, validate=validate.Range(min=0, max=1))
    completed_on = fields.Date(required=True)
    partner_code = fields.String(required=True)
    certificate_number = fields.String(load_default=None, allow_none=True)
    # optional additions of v1 (older events lack them): what SIMPEG's training history asks for
    started_on = fields.Date(load_default=None, allow_none=True)
    partner_name = fields.String(load_default=None, allow_none=True)


@register("training", "TrainingNotCompleted", 1, key_field="nip")
class TrainingNotCompleted(Schema):
    enrollment_id = fields.String(required=True)
    nip = _nip(required=True)
    program_id = fields.String(required=True)
    batch_id = fields.String(required=True)
    attendance_rate = fields.Float(required=True, validate=validate.Range(min=0, max=1))
    reason = fields.String(required=True)


# --- evaluation --------------------------------------------------------------------------------


@register("evaluation", "EvaluationTaskCreated", 1, key_field="nip")
class EvaluationTaskCreated(Schema):
    task_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["reaction", "learning", "behavior"]))
    nip = _nip(required=True)
    assignee_nip = _nip(required=True, allow_none=True)
    enrollment_id = fields.String(required=True)
    program_id = fields.String(required=True)
    due_on = fields.Date(required=True)


@register("evaluation", "EvaluationTaskExpired", 1, key_field="nip")
class EvaluationTaskExpired(Schema):
    task_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["reaction", "learning", "behavior"]))
    nip = _nip(required=True)
    enrollment_id = fields.String(required=True)
    program_id = fields.String(required=True)
    competency_codes = fields.List(fields.String(), required=True)


@register("evaluation", "EvaluationTaskReassigned", 1, key_field="nip")
class EvaluationTaskReassigned(Schema):
    """BKPSDM gave a project assessment (L3) to another supervisor: they are told, the former one is no longer asked."""

    task_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["reaction", "learning", "behavior"]))
    nip = _nip(required=True)
    assignee_nip = _nip(required=True)
    previous_assignee_nip = _nip(required=True, allow_none=True)
    enrollment_id = fields.String(required=True)
    program_id = fields.String(required=True)
    due_on = fields.Date(required=True)
    reason = fields.String(required=True)


@register("evaluation", "EvaluationTaskSubmitted", 1, key_field="nip")
class EvaluationTaskSubmitted(Schema):
    """A task answered: nobody is reminded of it any more."""

    task_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["reaction", "learning", "behavior"]))
    nip = _nip(required=True)
    assignee_nip = _nip(required=True, allow_none=True)
    enrollment_id = fields.String(required=True)
    program_id = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)


@register("evaluation", "CompetencyAssessed", 1, key_field="nip")
class CompetencyAssessed(Schema):
    assessment_id = fields.String(required=True)
    nip = _nip(required=True)
    competency_code = fields.String(required=True)
    level = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    source = fields.String(
        required=True, validate=validate.OneOf(["self", "supervisor", "assessment_centre", "post_training"])
    )
    enrollment_id = fields.String(required=True, allow_none=True)
    program_id = fields.String(required=True, allow_none=True)
    assessed_on = fields.Date(required=True)
    assessor_nip = _nip(required=True, allow_none=True)


@register("evaluation", "ProgramEvaluated", 1, key_field="program_id")
class ProgramEvaluated(Schema):
    program_id = fields.String(required=True)
    batch_id = fields.String(required=True, allow_none=True)
    participants = fields.Integer(required=True, validate=validate.Range(min=0))
    reaction_mean = fields.Float(required=True, allow_none=True, validate=validate.Range(min=1, max=5))
    learning_gain = fields.Float(required=True, allow_none=True)
    p_value = fields.Float(required=True, allow_none=True, validate=validate.Range(min=0, max=1))
    behavior_pass_rate = fields.Float(required=True, allow_none=True, validate=validate.Range(min=0, max=1))
    recommendation = fields.String(
        required=True, validate=validate.OneOf(["repeat", "improve", "discontinue", "insufficient_data"])
    )


class ChangeMade(Schema):
    """A change made through a service's API, whatever it was (the audit trail's record of it; the domain's own
    events, where the change has one, say what changed). Every service publishes it (``shared/audit.py``)."""

    request_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    method = fields.String(required=True, validate=validate.OneOf(["POST", "PUT", "PATCH", "DELETE"]))
    route = fields.String(required=True, validate=validate.Length(max=300))  # the operation, e.g. /api/v1/…/<nip>
    path = fields.String(required=True, validate=validate.Length(max=2000))  # the path called: the object's ids
    # the client's network address as the gateway saw it (past trusted proxies); older records lack it
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


for _service in ("needs", "training", "evaluation", "notifications", "gateway"):
    register(_service, "ChangeMade", 1, key_field="request_id", audit=True)(ChangeMade)
