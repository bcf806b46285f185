"""The JP ledger: a completed training or verified outside development credited once (a certificate once per ASN),
taken back when it no longer holds, and the credited ASN's needs recomputed once per transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

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
    number = credit.get("certificate_number") or None
    if number and _credited_certificate(uow, credit["nip"], number):
        return False  # the same certificate counted already (a claim verified, and now SIMPEG's copy of it)
    employee = session.get(Employee, credit["nip"])
    year = (
        domain.credit_year(credit["completed_on"], employee.employment_status, employee.contract_start)
        if employee
        else domain.credit_year(credit["completed_on"])
    )
    session.add(
        JpCredit(
            credit_id=credit["credit_id"],
            source=credit["source"],
            nip=credit["nip"],
            year=year,
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
            certificate_number=number,
        )
    )
    if credit["source"] != "simpeg" and session.get(SimpegHistory, credit["credit_id"]) is None:
        record = domain.history_record({**credit, "enrollment_id": credit["credit_id"]})
        session.add(SimpegHistory(enrollment_id=credit["credit_id"], nip=credit["nip"], record=record))
    session.flush()
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


def _credited_certificate(uow: UnitOfWork, nip: str, number: str) -> bool:
    wanted = domain.certificate_key(number)
    numbers = uow.session.scalars(
        select(JpCredit.certificate_number).where(JpCredit.nip == nip, JpCredit.certificate_number.is_not(None))
    )
    return any(domain.certificate_key(found) == wanted for found in numbers)


def take_back_credit(uow: UnitOfWork, settings: NeedsSettings, credit_id: str) -> None:
    """A credit that no longer holds (a completion revoked, a verification withdrawn) leaves the ledger: ``JpCredited``
    of minus its JP; its record not yet sent to SIMPEG is dropped, one sent already is marked for a person to check."""
    session = uow.session
    credit = session.get(JpCredit, credit_id)
    if credit is not None:
        year = credit.year
        session.delete(credit)
        session.flush()
        uow.publish(
            new_event(
                "JpCredited",
                {
                    "credit_id": credit.credit_id,
                    "nip": credit.nip,
                    "year": year,
                    "jp": -credit.jp,
                    "source": credit.source,
                    "year_total": repository.credited_jp(session, credit.nip, year),
                },
            )
        )
        recompute_after_credit(uow, settings, credit.nip, credit.completed_on)
    history = session.get(SimpegHistory, credit_id)
    if history is not None and history.status != "sent":
        session.delete(history)  # not in SIMPEG yet: nothing to send
    elif history is not None:
        history.last_error = "Taken back in Bangkom after it was sent: check SIMPEG's record."


def recompute_after_credit(uow: UnitOfWork, settings: NeedsSettings, nip: str, completed_on) -> None:
    """Realised JP changed the shortfall, so the ASN's priorities in that year and this one: recomputed once for every
    ASN the transaction credited, just before it commits (a poll of completions, a SIMPEG import)."""
    if uow.session.get(Employee, nip) is not None:
        credited = uow.gather("needs.recompute_after_credit", lambda pairs: _recompute_credited(uow, settings, pairs))
        credited.update((year, nip) for year in {domain.credit_year(completed_on), settings.today().year})


def _recompute_credited(uow: UnitOfWork, settings: NeedsSettings, pairs: set[tuple[int, str]]) -> None:
    for year in sorted({year for year, _ in pairs}):
        recompute(uow, settings, {year}, nips=sorted(nip for y, nip in pairs if y == year))
