"""Nomination: the candidates a batch would serve best, who is busy elsewhere or already nominated, and the JP
taken against the PPPK cap."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from services.training import domain
from services.training.models import Batch, CreditedJp, EmployeeView, Enrollment, Meeting, OpenNeed, Program
from shared import forms
from shared.errors import NotFound


def schedule(session: Session, batch_id: str) -> list[domain.Slot]:
    return [
        domain.Slot(m.date, m.starts_at, m.ends_at)
        for m in session.scalars(select(Meeting).where(Meeting.batch_id == batch_id))
    ]


def busy_nips(session: Session, batch_id: str, nips: Sequence[str] | None = None) -> set[str]:
    """Employees enrolled (and not yet decided) in another batch whose meetings overlap this one's."""
    mine = schedule(session, batch_id)
    if not mine:
        return set()
    dates = {slot.date for slot in mine}
    query = (
        select(Enrollment.nip, Meeting)
        .join(Meeting, Meeting.batch_id == Enrollment.batch_id)
        .where(Enrollment.batch_id != batch_id, Enrollment.status == "enrolled", Meeting.date.in_(dates))
    )
    if nips is not None:
        query = query.where(Enrollment.nip.in_(list(nips)))
    busy = set()
    for nip, meeting in session.execute(query):
        if domain.schedules_overlap([domain.Slot(meeting.date, meeting.starts_at, meeting.ends_at)], mine):
            busy.add(nip)
    return busy


def already_nominated(session: Session, batch_id: str, codes: Sequence[str], nips: Sequence[str]) -> set[str]:
    """Employees enrolled in another batch not yet closed (upcoming or running) whose program serves one of
    ``codes``: that batch will close their need; nominating them again would spend two places on one gap."""
    rows = session.execute(
        select(Enrollment.nip, Program.competencies)
        .join(Batch, Batch.id == Enrollment.batch_id)
        .join(Program, Program.id == Batch.program_id)
        .where(
            Enrollment.batch_id != batch_id,
            Enrollment.status == "enrolled",
            Batch.closed_at.is_(None),
            Enrollment.nip.in_(list(nips)),
        )
    )
    wanted = set(codes)
    return {nip for nip, competencies in rows if wanted & {c["code"] for c in competencies}}


def _first_day(session: Session, batch_id: str) -> dt.date | None:
    return session.scalar(select(func.min(Meeting.date)).where(Meeting.batch_id == batch_id))


def jp_taken(session: Session, batch_id: str, employees: Sequence[EmployeeView]) -> dict[str, tuple[int, int, int]]:
    """NIP → (cap, JP taken, the year) for each employee with a yearly cap (PPPK, PP 49/2018 art. 40) in the year of
    this batch (their contract year when their TMT is known: ``forms.jp_year``): JP credited in the ledger that year
    plus JP of the batches they are enrolled in that year, not decided yet (this one left out)."""
    capped = {e.nip: e for e in employees if e.jp_cap is not None}
    first = _first_day(session, batch_id)
    if not capped or first is None:
        return {}
    years = {nip: forms.jp_year(first, e.contract_start) for nip, e in capped.items()}
    credited = {
        (nip, year): jp
        for nip, year, jp in session.execute(
            select(CreditedJp.nip, CreditedJp.year, CreditedJp.jp).where(
                CreditedJp.nip.in_(list(capped)), CreditedJp.year.in_(set(years.values()))
            )
        )
    }
    first_meeting = (
        select(Meeting.batch_id, func.min(Meeting.date).label("first")).group_by(Meeting.batch_id).subquery()
    )
    committed: Counter[str] = Counter()
    for nip, day, jp in session.execute(  # a contract year lies within the calendar years either side
        select(Enrollment.nip, first_meeting.c.first, Program.jp)
        .join(Batch, Batch.id == Enrollment.batch_id)
        .join(Program, Program.id == Batch.program_id)
        .join(first_meeting, first_meeting.c.batch_id == Batch.id)
        .where(
            Enrollment.nip.in_(list(capped)),
            Enrollment.status == "enrolled",
            Enrollment.batch_id != batch_id,
            first_meeting.c.first.between(dt.date(first.year - 1, 1, 1), dt.date(first.year + 1, 12, 31)),
        )
    ):
        if forms.jp_year(day, capped[nip].contract_start) == years[nip]:
            committed[nip] += jp or 0
    return {
        nip: (e.jp_cap, credited.get((nip, years[nip]), 0) + committed[nip], years[nip]) for nip, e in capped.items()
    }


def cap_warnings(session: Session, batch_id: str, jp: int, employees: Sequence[EmployeeView]) -> dict[str, str]:
    """NIP → a warning for each employee whom this batch's JP would take past their yearly cap."""
    warnings = {}
    for nip, (cap, taken, year) in jp_taken(session, batch_id, employees).items():
        if taken + jp > cap:
            warnings[nip] = (
                f"Melebihi batas {cap} JP per tahun ({year}): sudah {taken} JP, pelatihan ini {jp} JP. "
                f"Exceeds the yearly cap of {cap} JP: {taken} JP already, this training {jp} JP."
            )
    return warnings


def _pool(batch_id: str, codes: list[str]):
    """Per ASN: the needs of ``codes`` they hold open or planned (each competency once: a gap carried into the next
    year is the same gap), their summed priority and largest gap; not those enrolled here, nor those in training or
    awaiting evaluation for one of these competencies (already served)."""
    enrolled_here = select(Enrollment.nip).where(Enrollment.batch_id == batch_id)
    served = select(OpenNeed.nip).where(
        OpenNeed.competency_code.in_(codes), OpenNeed.status.in_(("in_training", "awaiting_evaluation"))
    )
    per_competency = (
        select(
            OpenNeed.nip,
            OpenNeed.competency_code,
            func.max(OpenNeed.priority_score).label("priority"),
            func.max(OpenNeed.gap).label("gap"),
            func.max(case((OpenNeed.status == "planned", 1), else_=0)).label("planned"),
        )
        .join(EmployeeView, EmployeeView.nip == OpenNeed.nip)
        .where(
            OpenNeed.competency_code.in_(codes),
            OpenNeed.status.in_(("open", "planned")),
            EmployeeView.active.is_(True),
            OpenNeed.nip.not_in(enrolled_here),
            OpenNeed.nip.not_in(served),
        )
        .group_by(OpenNeed.nip, OpenNeed.competency_code)
        .subquery()
    )
    return select(
        per_competency.c.nip,
        func.count().label("matched"),
        func.sum(per_competency.c.priority).label("priority"),
        func.max(per_competency.c.gap).label("largest_gap"),
        func.max(per_competency.c.planned).label("in_plan"),
    ).group_by(per_competency.c.nip)


def candidates(session: Session, batch_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """Who this batch would serve best: ASN with open or planned needs in its competencies (each competency once,
    whatever the year), not enrolled here, nor in training or awaiting evaluation for one of them, nor busy elsewhere
    at its meetings, nor already enrolled in another open batch for one of its competencies, ranked (domain.rank)."""
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound(f"No batch {batch_id}.")
    program = session.get(Program, batch.program_id)
    codes = [c["code"] for c in program.competencies]
    rows = session.execute(_pool(batch_id, codes)).all()
    nips = [r.nip for r in rows]
    busy = busy_nips(session, batch_id, nips) | already_nominated(session, batch_id, codes, nips)
    ranked = domain.rank(
        domain.Candidate(r.nip, r.matched, round(float(r.priority), 2), r.largest_gap, bool(r.in_plan))
        for r in rows
        if r.nip not in busy
    )[:limit]
    people = {
        e.nip: e for e in session.scalars(select(EmployeeView).where(EmployeeView.nip.in_([c.nip for c in ranked])))
    }
    taken = jp_taken(session, batch_id, list(people.values()))
    return [
        {
            "nip": c.nip,
            "name": people[c.nip].name,
            "unit_code": people[c.nip].unit_code,
            "unit_name": people[c.nip].unit_name,
            "matched_needs": c.matched_needs,
            "priority": c.priority,
            "largest_gap": c.largest_gap,
            "in_plan": c.in_plan,
            "jp_cap": taken[c.nip][0] if c.nip in taken else None,
            "jp_room": max(0, taken[c.nip][0] - taken[c.nip][1]) if c.nip in taken else None,
        }
        for c in ranked
    ]
