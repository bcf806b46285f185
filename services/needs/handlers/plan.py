"""The year's plan as BKPSDM approves it: the standard cost table (SBU) of a year, and the approved versions of the
plan (the validated proposals copied, with their Rupiah; a later change is a new version with its reason)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select

from services.needs import akpk, repository
from services.needs.handlers.checks import require_plan_year
from services.needs.models import Need, PlanLine, PlanVersion, Proposal, ProposalStep, StandardCost
from shared.db import UnitOfWork, utcnow
from shared.errors import Conflict, Invalid
from shared.identity import Identity


def replace_standard_costs(uow: UnitOfWork, caller: Identity, year: int, rows: Sequence[dict[str, Any]]) -> int:
    """The year's SBU, all of it at once (a form left out has no standard cost that year)."""
    require_plan_year(year)
    forms = [row["form"] for row in rows]
    if repeated := sorted({form for form in forms if forms.count(form) > 1}):
        raise Invalid(
            f"Each form appears once in a year's cost table: {', '.join(repeated)}.",
            errors=[{"field": f"costs.{forms.index(form)}.form", "message": "Duplicate."} for form in repeated],
        )
    uow.session.execute(delete(StandardCost).where(StandardCost.year == year))
    for row in rows:
        uow.session.add(StandardCost(year=year, updated_by=caller.subject, updated_at=utcnow(), **row))
    uow.commit()
    return len(rows)


def approve_plan(uow: UnitOfWork, caller: Identity, year: int, reason: str | None) -> PlanVersion:
    """Approve the year's plan as it stands (every validated and planned proposal) as its next version, never
    changed after: the first needs no reason, every later one says why; a version the same as the last one is
    refused. Its validated proposals are planned from now on, and so are the open needs they answer."""
    require_plan_year(year)
    session = uow.session
    # one approval of a year at a time: the next number is read under the lock of the year's proposals
    proposals = session.scalars(
        select(Proposal)
        .where(Proposal.year == year, Proposal.status.in_(("validated", "planned")))
        .order_by(Proposal.id)
        .with_for_update()
    ).all()
    last = session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.year == year)) or 0
    lines = {p.id: _line(p) for p in proposals}
    reason = (reason or "").strip()
    if last == 0 and not lines:
        raise Conflict(f"No validated proposal in {year} yet: validate proposals before approving the plan.")
    if last and not reason:
        raise Invalid(
            f"The plan of {year} was approved before (version {last}): say why it changes.",
            errors=[{"field": "reason", "message": "Required for a change of an approved plan."}],
        )
    if last and akpk.same_lines(_lines_of(uow, year, last), lines):
        raise Conflict(f"Nothing changed since version {last}: a new version needs a change in the proposals.")
    costed = set(session.scalars(select(StandardCost.form).where(StandardCost.year == year)))
    version = PlanVersion(
        year=year,
        number=last + 1,
        reason=reason,
        approved_by=caller.subject,
        approved_at=utcnow(),
        sbu_missing=sorted({line["form"] for line in lines.values()} - costed),
    )
    session.add(version)
    session.flush()
    session.add_all(PlanLine(year=year, number=version.number, proposal_id=key, **line) for key, line in lines.items())
    for proposal in proposals:
        if proposal.status == "validated":
            _planned(uow, proposal, caller, version.number)
    _needs_planned(uow, lines)
    uow.commit()
    return version


def _line(proposal: Proposal) -> dict[str, Any]:
    return {
        "nip": proposal.nip,
        "unit_code": proposal.unit_code,
        "competency_code": proposal.competency_code,
        "form": proposal.form,
        "jp": proposal.jp,
        "cost": proposal.estimated_cost,
        "month": proposal.month,
    }


def _lines_of(uow: UnitOfWork, year: int, number: int) -> dict[str, dict[str, Any]]:
    rows = uow.session.scalars(select(PlanLine).where(PlanLine.year == year, PlanLine.number == number))
    return {row.proposal_id: {field: getattr(row, field) for field in akpk.LINE_FIELDS} for row in rows}


def _planned(uow: UnitOfWork, proposal: Proposal, caller: Identity, number: int) -> None:
    proposal.status, proposal.updated_at = "planned", utcnow()
    uow.session.add(
        ProposalStep(
            proposal_id=proposal.id,
            action="approve",
            from_status="validated",
            to_status="planned",
            by=caller.subject,
            role="admin",
            reason=f"v{number}",
        )
    )


def _needs_planned(uow: UnitOfWork, lines: dict[str, dict[str, Any]]) -> None:
    """The open needs the plan's lines answer are planned now (``DevelopmentNeedUpdated``): the training service's
    candidate pool shows whom the approved plan names."""
    wanted = {(line["nip"], line["competency_code"]) for line in lines.values()}
    if not wanted:
        return
    found = uow.session.scalars(
        select(Need).where(Need.status == "open", Need.nip.in_({nip for nip, _ in wanted})).with_for_update()
    )
    for need in found:
        if (need.nip, need.competency_code) in wanted:
            need.status, need.updated_at = "planned", utcnow()
            uow.publish(repository.need_updated_event(need))
