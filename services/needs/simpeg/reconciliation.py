"""Reconciliation: Bangkom's completed trainings against SIMPEG's two training histories, employee by employee."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.needs import domain
from services.needs.config import NeedsSettings
from services.needs.models import JpCredit, SimpegHistory
from services.needs.simpeg import mapping
from services.needs.simpeg.client import SimpegClient
from services.needs.simpeg.runs import Progress, unit_of_work
from shared.db import Database, utcnow


def reconcile(
    database: Database,
    settings: NeedsSettings,
    client: SimpegClient,
    year: int | None = None,
    queue_missing: bool = False,
    progress: Progress | None = None,
) -> list[mapping.Difference]:
    """Compare Bangkom's completed trainings (of a year, or all) with SIMPEG's history, employee by employee.

    ``queue_missing`` makes every completed training SIMPEG lacks pending again, queuing a record for
    those Bangkom never queued (for example trainings completed before the adapter existed).
    """
    with unit_of_work(database, settings) as uow:
        session = uow.session
        query = select(JpCredit).where(JpCredit.source != "simpeg")  # what came from SIMPEG is SIMPEG's already
        if year:
            query = query.where(JpCredit.year == year)
        credits = list(session.scalars(query.order_by(JpCredit.nip)))
        queued = {
            h.enrollment_id: h
            for h in session.scalars(
                select(SimpegHistory).where(SimpegHistory.enrollment_id.in_([c.credit_id for c in credits]))
            )
        }
        ours: dict[str, list[dict]] = {}
        for credit in credits:
            history = queued.get(credit.credit_id)
            record = dict(history.record) if history else mapping.history_record(_credit_fields(credit))
            ours.setdefault(credit.nip, []).append(record)
        session.expunge_all()
    differences: list[mapping.Difference] = []
    for done, (nip, records) in enumerate(ours.items(), start=1):
        theirs = client.full_history(nip)
        if year:
            theirs = [(h, r) for h, r in theirs if str(domain.history_year(r)) == str(year)]
        differences += mapping.reconcile(nip, records, theirs)
        if progress:
            progress(done, len(ours))
    if queue_missing:
        missing = {d.enrollment_id for d in differences if d.kind == "missing_in_simpeg"}
        by_id = {c.credit_id: c for c in credits}
        with unit_of_work(database, settings) as uow:
            session = uow.session
            for enrollment_id in missing:
                row = session.get(SimpegHistory, enrollment_id)
                if row is None:
                    credit = by_id[enrollment_id]
                    record = mapping.history_record(_credit_fields(credit))
                    session.add(SimpegHistory(enrollment_id=enrollment_id, nip=credit.nip, record=record))
                elif row.status != "pending":  # sent once but lost in SIMPEG since, or failed
                    row.status, row.attempts, row.next_attempt_at = "pending", 0, utcnow()
            uow.commit()
    return differences


def _credit_fields(credit: JpCredit) -> dict[str, Any]:
    return {
        "enrollment_id": credit.credit_id,
        "nip": credit.nip,
        "program_title": credit.program_title,
        "form": credit.form,
        "jp": credit.jp,
        "completed_on": credit.completed_on,
    }
