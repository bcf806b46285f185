"""Assessments of an ASN's competencies, and the needs BKPSDM moves by hand."""

from __future__ import annotations

import dataclasses
import uuid

from services.needs import domain, repository
from services.needs.commands import Assessment
from services.needs.config import NeedsSettings
from services.needs.handlers.checks import require_competencies
from services.needs.handlers.recompute import recompute
from services.needs.models import AssessmentRecord, Employee, Need
from shared.db import UnitOfWork, utcnow
from shared.errors import Invalid, check_transition


def record_assessment(uow: UnitOfWork, settings: NeedsSettings, nip: str, data: Assessment) -> AssessmentRecord:

    uow.get(Employee, nip, "employee")
    require_competencies(uow, {"competency_code": data.competency_code})
    if data.assessed_on > settings.today():
        raise Invalid(
            "The assessment date is in the future.",
            errors=[{"field": "assessed_on", "message": "Must not be after today."}],
        )
    assessment = AssessmentRecord(id=str(uuid.uuid4()), nip=nip, **dataclasses.asdict(data))
    uow.session.add(assessment)
    recompute(uow, settings, nips=[nip])
    uow.commit()
    return assessment


# --- needs --------------------------------------------------------------------------------------


def change_need_status(uow: UnitOfWork, need_id: str, status: str, note: str | None = None) -> Need:
    need = uow.get(Need, need_id, "need")
    check_transition(domain.MANUAL_TRANSITIONS, "need (changed by hand)", need.status, status)
    if status == "closed" and need.status in ("in_training", "awaiting_evaluation") and not note:
        raise Invalid(
            f"A need that is {need.status} is closed by hand only with a note saying why (for example: the "
            "evaluation will not come and the gap is accepted).",
            errors=[{"field": "note", "message": "Required to close this need."}],
        )
    need.status, need.note = status, note or need.note
    need.updated_at = utcnow()
    if status == "closed":
        need.closed_reason, need.closed_at = "cancelled", utcnow()
        uow.publish(repository.need_closed_event(need.id, need.nip, need.competency_code, "cancelled"))
    uow.commit()
    return need
