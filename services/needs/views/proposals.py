"""The proposals a caller may see: BKPSDM all, an OPD its own unit's, a supervisor their team's and their own, an
employee their own; one with its history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.needs import akpk
from services.needs.models import Employee, Proposal, ProposalStep
from services.needs.views.akpk import competencies_developed
from services.needs.views.paging import page
from shared.errors import NotFound
from shared.identity import Identity


def _visible(query, caller: Identity):
    """``query`` of proposals kept to what ``caller`` may see."""
    if caller.has_role("admin"):
        return query
    if caller.has_role("opd"):
        return query.where(Proposal.unit_code == caller.unit_code)
    team = select(Employee.nip).where(Employee.supervisor_nip == caller.subject)
    if caller.has_role("supervisor"):
        return query.where(or_(Proposal.nip == caller.subject, Proposal.nip.in_(team)))
    return query.where(Proposal.nip == caller.subject)


def proposals(
    session: Session, caller: Identity, filters: dict[str, Any], page_no: int, page_size: int, this_year: int
):
    query = (
        select(Proposal, Employee.name)
        .outerjoin(Employee, Employee.nip == Proposal.nip)
        .order_by(Proposal.year.desc(), Proposal.created_at.desc(), Proposal.id)
    )
    for field in ("year", "status", "unit_code", "nip"):
        if filters.get(field) is not None:
            query = query.where(getattr(Proposal, field) == filters[field])
    rows, total = page(session, _visible(query, caller), page_no, page_size)
    realised = _realised(session, [proposal for proposal, _ in rows if proposal.status == "planned"], this_year)
    return [_row(proposal, name) | realised.get(proposal.id, {}) for proposal, name in rows], total


def _realised(session: Session, planned: list[Proposal], this_year: int) -> dict[str, dict[str, str]]:
    """Of planned proposals, whether each is realised (the ASN got JP for its competency in its year), not realised
    (its year is over) or still to come (``realisation``)."""
    credited = competencies_developed(session, {p.nip for p in planned})
    outcome = {}
    for proposal in planned:
        if akpk.realised(proposal.competency_code, credited.get((proposal.nip, proposal.year), [])):
            outcome[proposal.id] = {"realisation": "realised"}
        else:
            outcome[proposal.id] = {"realisation": "not_realised" if proposal.year < this_year else "pending"}
    return outcome


def proposal(session: Session, caller: Identity, proposal_id: str) -> dict[str, Any]:
    """One proposal with its steps; not found when the caller may not see it (nothing of another unit leaks)."""
    query = select(Proposal, Employee.name).outerjoin(Employee, Employee.nip == Proposal.nip)
    found = session.execute(_visible(query.where(Proposal.id == proposal_id), caller)).first()
    if found is None:
        raise NotFound(f"No proposal {proposal_id}.")
    steps = session.scalars(
        select(ProposalStep).where(ProposalStep.proposal_id == proposal_id).order_by(ProposalStep.id)
    ).all()
    return {**_row(*found), "steps": steps}


def _row(proposal: Proposal, name: str | None) -> dict[str, Any]:
    return {**{c.key: getattr(proposal, c.key) for c in Proposal.__table__.columns}, "name": name}
