"""The JP ledger: a completed training or verified outside development credited once, and the credited ASN's needs
recomputed once per transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.needs import domain, repository
from services.needs.config import NeedsSettings
from services.needs.handlers.recompute import recompute
from services.needs.models import Employee, JpCredit, SimpegHistory
from shared.db import UnitOfWork
from shared.events import new_event


def credit_jp(uow: UnitOfWork, settings: NeedsSettings, credit: Mapping[str, Any]) -> bool:
    """Put one completed development in the JP ledger, once; False when it was there already.

    The credit keeps the employee's OPD, position and kind of today. What Bangkom credits (its own
    trainings, verified outside development) is owed to SIMPEG's training history; what came from
    SIMPEG is not sent back. ``JpCredited`` tells the training service the year's total (the PPPK cap).
    """
    session = uow.session
    if session.get(JpCredit, credit["credit_id"]) is not None:
        return False
    employee = session.get(Employee, credit["nip"])
    session.add(
        JpCredit(
            credit_id=credit["credit_id"],
            source=credit["source"],
            nip=credit["nip"],
            year=domain.credit_year(credit["completed_on"]),
            jp=credit["jp"],
            program_id=credit.get("program_id"),
            program_title=credit["program_title"],
            organiser=credit.get("organiser"),
            form=credit["form"],
            completed_on=credit["completed_on"],
            competencies=credit["competencies"],
            unit_code=employee.unit_code if employee else None,
            unit_name=employee.unit_name if employee else None,
            position_code=employee.position_code if employee else None,
            employment_status=employee.employment_status if employee else None,
        )
    )
    if credit["source"] != "simpeg" and session.get(SimpegHistory, credit["credit_id"]) is None:
        record = domain.history_record({**credit, "enrollment_id": credit["credit_id"]})
        session.add(SimpegHistory(enrollment_id=credit["credit_id"], nip=credit["nip"], record=record))
    session.flush()
    year = domain.credit_year(credit["completed_on"])
    total = repository.credited_jp(session, credit["nip"], year)
    uow.publish(
        new_event(
            "JpCredited",
            {
                "credit_id": credit["credit_id"],
                "nip": credit["nip"],
                "year": year,
                "jp": credit["jp"],
                "source": credit["source"],
                "year_total": total,
            },
        )
    )
    return True


def recompute_after_credit(uow: UnitOfWork, settings: NeedsSettings, nip: str, completed_on) -> None:
    """Realised JP changed the shortfall, so the ASN's priorities in that year and this one: recomputed once for every
    ASN the transaction credited, just before it commits (a poll of completions, a SIMPEG import)."""
    if uow.session.get(Employee, nip) is not None:
        credited = uow.gather("needs.recompute_after_credit", lambda pairs: _recompute_credited(uow, settings, pairs))
        credited.update((year, nip) for year in {domain.credit_year(completed_on), settings.today().year})


def _recompute_credited(uow: UnitOfWork, settings: NeedsSettings, pairs: set[tuple[int, str]]) -> None:
    for year in sorted({year for year, _ in pairs}):
        recompute(uow, settings, {year}, nips=sorted(nip for y, nip in pairs if y == year))
