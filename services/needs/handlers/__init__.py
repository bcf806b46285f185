"""Application use-cases of the needs service: one function per command or event, by use case.

Each takes its input and a unit of work, changes state through ``uow.session``, publishes events through the outbox
(``uow.publish``/``publish_all``) and commits once, so a failure writes nothing. Whenever something that decides a gap
changes (standards, priorities, an employee's position or status, an assessment, realised JP), the affected employees'
gaps and needs are recomputed in the same transaction (``recompute``). ``dictionary`` (competencies and priorities),
``standards``, ``employees``, ``assessments`` (and needs moved by hand), ``ledger`` (JP credited), ``proposals``
(the yearly AKPK's usulan), ``plan`` (its SBU and approved versions), ``events`` (what the worker consumes), ``checks``. The names are gathered here, so that callers say ``handlers.upsert_employees`` whatever
module holds it.
"""

from services.needs.handlers.assessments import change_need_status, import_assessments, record_assessment
from services.needs.handlers.checks import require_competencies, require_unique
from services.needs.handlers.dictionary import create_competency, replace_priorities, seed_dictionary, update_competency
from services.needs.handlers.employees import (
    GAP_FIELDS,
    deactivate_employees,
    employee_synced_event,
    record_service_years,
    upsert_employees,
)
from services.needs.handlers.events import (
    EVENT_HANDLERS,
    TOPICS,
    event_handlers,
    on_competency_assessed,
    on_evaluation_task_expired,
    on_external_development_verified,
    on_participant_enrolled,
    on_participant_withdrawn,
    on_program_published,
    on_training_completed,
    on_training_decision_revoked,
    on_training_not_completed,
)
from services.needs.handlers.ledger import credit_jp, recompute_after_credit
from services.needs.handlers.plan import approve_plan, replace_standard_costs
from services.needs.handlers.proposals import act, propose
from services.needs.handlers.recompute import (
    policy,
    recompute,
    recompute_or_queue,
    request_recompute,
    run_queued_recompute,
    run_recompute,
)
from services.needs.handlers.standards import replace_class_standard, replace_position_standard, save_position

__all__ = [
    "EVENT_HANDLERS",
    "GAP_FIELDS",
    "act",
    "approve_plan",
    "TOPICS",
    "change_need_status",
    "create_competency",
    "credit_jp",
    "deactivate_employees",
    "employee_synced_event",
    "event_handlers",
    "import_assessments",
    "on_competency_assessed",
    "on_evaluation_task_expired",
    "on_external_development_verified",
    "on_participant_enrolled",
    "on_participant_withdrawn",
    "on_program_published",
    "on_training_completed",
    "on_training_decision_revoked",
    "on_training_not_completed",
    "policy",
    "propose",
    "recompute",
    "recompute_after_credit",
    "recompute_or_queue",
    "record_assessment",
    "record_service_years",
    "replace_class_standard",
    "replace_position_standard",
    "replace_priorities",
    "replace_standard_costs",
    "request_recompute",
    "require_competencies",
    "require_unique",
    "run_queued_recompute",
    "run_recompute",
    "save_position",
    "seed_dictionary",
    "update_competency",
    "upsert_employees",
]
