"""Proposals (usulan) of the yearly AKPK: an ASN proposes for themself, an OPD for its people; the supervisor agrees
an ASN's own plan, the OPD submits, BKPSDM validates or returns with a reason. Each step is kept (``ProposalStep``)."""

from __future__ import annotations

import uuid

from services.needs import akpk
from services.needs.commands import ProposalDetails
from services.needs.config import NeedsSettings
from services.needs.handlers.checks import require_competencies, require_plan_year
from services.needs.models import Employee, Proposal, ProposalStep, StandardCost
from shared import forms
from shared.db import UnitOfWork, utcnow
from shared.errors import Conflict, Forbidden, Invalid
from shared.identity import Identity


def propose(uow: UnitOfWork, settings: NeedsSettings, caller: Identity, data: ProposalDetails) -> Proposal:
    """An employee proposes for themself (origin ``employee``: their supervisor agrees it next), an OPD for a person
    of its own unit, BKPSDM for anyone (origin ``opd``). Its JP by the forms' conversion table, its cost (unless
    given) by the year's SBU."""
    employee = uow.get(Employee, data.nip, "employee")
    if caller.has_role("admin"):
        origin, role = "opd", "admin"
    elif caller.has_role("opd"):
        if employee.unit_code != caller.unit_code:
            raise Forbidden(f"{data.nip} is not in your unit ({caller.unit_code}); propose for your own people.")
        origin, role = "opd", "opd"
    elif caller.subject == data.nip:
        origin, role = "employee", "employee"
    else:
        raise Forbidden("An employee proposes development for themself only.")
    require_plan_year(data.year)
    require_competencies(uow, {"competency_code": data.competency_code})
    jp = forms.counted_jp(settings.jp_conversion, data.form, data.quantity, data.jp)
    if data.estimated_cost is None:
        sbu = uow.session.get(StandardCost, (data.year, data.form))
        estimated_cost = akpk.cost(sbu and sbu.basis, sbu and sbu.rupiah, jp)
    else:
        estimated_cost = data.estimated_cost
    proposal = Proposal(
        id=str(uuid.uuid4()),
        year=data.year,
        nip=data.nip,
        unit_code=employee.unit_code,
        origin=origin,
        competency_code=data.competency_code,
        form=data.form,
        jp=jp,
        quantity=data.quantity,
        estimated_cost=estimated_cost,
        month=data.month,
        note=data.note,
        status="draft",
        created_by=caller.subject,
    )
    uow.session.add(proposal)
    uow.session.flush()
    _step(uow, proposal, "propose", None, caller, None, role)
    uow.commit()
    return proposal


def act(uow: UnitOfWork, caller: Identity, proposal_id: str, action: str, reason: str | None) -> Proposal:
    """One step of a proposal; 409 when it does not apply in its state, 403 for who may not take it."""
    proposal = uow.get(Proposal, proposal_id, "proposal", with_for_update=True)
    step = akpk.proposal_step(proposal.status, action, proposal.origin)
    if step is None:
        raise Conflict(
            f"A proposal that is {proposal.status} cannot be given the step {action}.",
            errors=[{"field": "action", "message": f"Not allowed from {proposal.status}."}],
        )
    to_status, roles = step
    role = _acting_role(uow, caller, proposal, roles)
    if action in akpk.ACTIONS_NEEDING_A_REASON and not (reason or "").strip():
        raise Invalid(
            f"Say why ({action}): the people who proposed it read the reason.",
            errors=[{"field": "reason", "message": "Required for this step."}],
        )
    from_status, proposal.status, proposal.updated_at = proposal.status, to_status, utcnow()
    if action in akpk.ACTIONS_NEEDING_A_REASON:
        proposal.reason = reason
    _step(uow, proposal, action, from_status, caller, reason, role)
    uow.commit()
    return proposal


def _acting_role(uow: UnitOfWork, caller: Identity, proposal: Proposal, roles: tuple[str, ...]) -> str:
    """The role in which the caller may take the step: BKPSDM; the proposal's own OPD; the proposer's own supervisor;
    the employee whose own proposal it is."""
    if "admin" in roles and caller.has_role("admin"):
        return "admin"
    if "opd" in roles and caller.has_role("opd") and caller.unit_code == proposal.unit_code:
        return "opd"
    if "supervisor" in roles and caller.has_role("supervisor"):
        employee = uow.session.get(Employee, proposal.nip)
        if employee is not None and employee.supervisor_nip == caller.subject:
            return "supervisor"
    if "employee" in roles and proposal.origin == "employee" and caller.subject == proposal.nip:
        return "employee"
    raise Forbidden(
        "You may not take this step on this proposal: by its state it is taken by the proposal's own OPD, the "
        "employee's own supervisor, the employee who proposed it, or BKPSDM."
    )


def _step(
    uow: UnitOfWork,
    proposal: Proposal,
    action: str,
    from_status: str | None,
    caller: Identity,
    reason: str | None,
    role: str,
) -> None:
    uow.session.add(
        ProposalStep(
            proposal_id=proposal.id,
            action=action,
            from_status=from_status,
            to_status=proposal.status,
            by=caller.subject,
            role=role,
            reason=reason,
        )
    )
