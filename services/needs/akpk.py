"""Pure rules of the yearly AKPK: the states of a proposal (usulan), the Rupiah of the standard cost table (SBU),
what changed between two versions of the approved plan, and how far a plan is realised. No Flask, SQL or Kafka."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# --- proposals -------------------------------------------------------------------------------------

PROPOSAL_ORIGINS = ("employee", "opd")  # an ASN for themself (an individual development plan), or an OPD for its people
PROPOSAL_STATES = ("draft", "agreed", "submitted", "returned", "validated", "planned", "withdrawn")
# (state, action) → (the state after, the roles that may take it); who exactly within a role is the handler's check
# (the proposer's own supervisor, the proposal's own OPD)
PROPOSAL_ACTIONS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("draft", "agree"): ("agreed", ("supervisor",)),  # the supervisor agrees an employee's own plan
    ("draft", "submit"): ("submitted", ("opd", "admin")),  # an OPD's own proposal (an employee's needs agreeing)
    ("agreed", "submit"): ("submitted", ("opd", "admin")),
    ("returned", "submit"): ("submitted", ("opd", "admin")),  # corrected and sent again
    ("submitted", "validate"): ("validated", ("admin",)),
    ("submitted", "return"): ("returned", ("admin",)),  # with a reason the OPD reads
    ("draft", "withdraw"): ("withdrawn", ("employee", "opd", "admin")),
    ("agreed", "withdraw"): ("withdrawn", ("employee", "opd", "admin")),
    ("returned", "withdraw"): ("withdrawn", ("opd", "admin")),
    ("validated", "withdraw"): ("withdrawn", ("admin",)),
    ("planned", "withdraw"): ("withdrawn", ("admin",)),  # out of the plan: its next version shows it removed
}
# validated → planned: when BKPSDM approves a version of the year's plan that holds it (not a step of its own)
PROPOSAL_ACTION_NAMES = tuple(sorted({action for _, action in PROPOSAL_ACTIONS}))
ACTIONS_NEEDING_A_REASON = ("return", "withdraw")


def proposal_step(state: str, action: str, origin: str) -> tuple[str, tuple[str, ...]] | None:
    """The state a proposal moves to by ``action`` and who may take it; None when the action does not apply here.
    An employee's own proposal is submitted only once their supervisor agreed it."""
    if (state, action) == ("draft", "submit") and origin == "employee":
        return None
    if action == "agree" and origin != "employee":
        return None
    return PROPOSAL_ACTIONS.get((state, action))


# --- money: the standard cost table (SBU) ---------------------------------------------------------

SBU_BASES = ("participant", "jp")  # Rupiah per participant of an activity, or per JP of it


def cost(basis: str | None, rupiah: int | None, jp: int) -> int:
    """The Rupiah of one person's development of ``jp`` JP by the SBU (0 where the SBU has no cost for the form)."""
    if basis is None or rupiah is None:
        return 0
    return rupiah * jp if basis == "jp" else rupiah


def cost_of_many(basis: str | None, rupiah: int | None, jp: int, people: int) -> int:
    """The Rupiah of ``people`` developments of ``jp`` JP together: per JP on the sum, per participant on the count."""
    return cost(basis, rupiah, jp) if basis == "jp" else cost(basis, rupiah, 0) * people


# --- the approved plan's versions -------------------------------------------------------------------

LINE_FIELDS = ("nip", "unit_code", "competency_code", "form", "jp", "cost", "month")


@dataclass(frozen=True)
class Change:
    proposal_id: str
    change: str  # added, removed, changed
    before: Mapping[str, object] | None
    after: Mapping[str, object] | None


def compare(before: Mapping[str, Mapping[str, object]], after: Mapping[str, Mapping[str, object]]) -> list[Change]:
    """What a version changed against an earlier one, line by line (by proposal): added, removed, changed (any of
    ``LINE_FIELDS``); lines alike are left out. Ordered by proposal id, so two calls agree."""
    changes = []
    for proposal_id in sorted(set(before) | set(after)):
        old, new = before.get(proposal_id), after.get(proposal_id)
        if old is None:
            changes.append(Change(proposal_id, "added", None, new))
        elif new is None:
            changes.append(Change(proposal_id, "removed", old, None))
        elif any(old.get(field) != new.get(field) for field in LINE_FIELDS):
            changes.append(Change(proposal_id, "changed", old, new))
    return changes


def same_lines(before: Mapping[str, Mapping[str, object]], after: Mapping[str, Mapping[str, object]]) -> bool:
    return not compare(before, after)


# --- realisation ------------------------------------------------------------------------------------


def share(delivered: int, planned: int) -> float | None:
    """Delivered as a share of planned (1.0: all of it), None when nothing was planned."""
    return round(delivered / planned, 3) if planned else None


def realised(competency_code: str, credited: Iterable[Iterable[str]]) -> bool:
    """A plan line is realised when one of the ASN's JP credits of the year developed its competency."""
    return any(competency_code in codes for codes in credited)
