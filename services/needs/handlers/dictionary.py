"""The competency dictionary and the region's strategic priorities (which competencies weigh more in a year)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlalchemy import delete

from services.needs import domain, repository, seed
from services.needs.commands import CompetencyChange, CompetencyDetails, Priority
from services.needs.config import NeedsSettings
from services.needs.handlers.checks import require_competencies
from services.needs.handlers.recompute import recompute_or_queue
from services.needs.models import (
    ClassStandard,
    Competency,
    Position,
    PriorityCompetency,
    PriorityTarget,
    StrategicPriority,
)
from shared.db import UnitOfWork
from shared.errors import Conflict, Invalid


def seed_dictionary(uow: UnitOfWork) -> dict[str, int]:
    """Load (or refresh) the national managerial and socio-cultural competencies and the class defaults."""
    session = uow.session
    counts = {"competencies": 0, "class_standards": 0}
    for row in seed.competencies():
        competency = session.get(Competency, row["code"])
        if competency is None:
            session.add(Competency(**row, active=True))
        else:
            for key, value in row.items():
                setattr(competency, key, value)
        counts["competencies"] += 1
    session.flush()
    for row in seed.class_standards():
        if session.get(ClassStandard, (row["position_class"], row["competency_code"])) is None:
            session.add(ClassStandard(**row))
            counts["class_standards"] += 1
    uow.commit()
    return counts


def create_competency(uow: UnitOfWork, data: CompetencyDetails) -> Competency:
    if uow.session.get(Competency, data.code) is not None:
        raise Conflict(
            f"Competency code {data.code} already exists; choose another code or update that competency.",
            errors=[{"field": "code", "message": "Already exists."}],
        )
    competency = Competency(**data.columns())
    uow.session.add(competency)
    uow.commit()
    return competency


def update_competency(uow: UnitOfWork, settings: NeedsSettings, code: str, data: CompetencyChange) -> Competency:
    competency = uow.get(Competency, code, "competency")
    was_active = competency.active
    for key, value in data.columns().items():
        setattr(competency, key, value)
    if data.active != was_active:
        # an inactive competency leaves every standard (and comes back when active again): only the ASN whose
        # position's standard names it are recomputed, not the whole city
        holders = repository.holders_of_competency(uow.session, code, limit=settings.recompute_inline_max + 1)
        state = "active again" if competency.active else "inactive"
        recompute_or_queue(uow, settings, cause=f"competency {code} made {state}", nips=holders, competencies=[code])
    uow.commit()
    return competency


# --- strategic priorities -----------------------------------------------------------------------


def _check_targets(uow: UnitOfWork, items: Sequence[Priority]) -> None:
    """A theme's targets name its own competencies, and positions that exist."""
    problems = []
    for i, item in enumerate(items):
        for j, target in enumerate(item.targets):
            if target.competency_code not in item.competencies:
                problems.append(
                    {
                        "field": f"items.{i}.targets.{j}.competency_code",
                        "message": "Not one of the theme's competencies; add it to them first.",
                    }
                )
            if target.position_code and uow.session.get(Position, target.position_code) is None:
                problems.append(
                    {
                        "field": f"items.{i}.targets.{j}.position_code",
                        "message": f"Unknown position {target.position_code}; create it first.",
                    }
                )
    if problems:
        raise Invalid("A target level of a theme cannot be used; see each field.", errors=problems)


def replace_priorities(
    uow: UnitOfWork, settings: NeedsSettings, year: int, items: Sequence[Priority]
) -> list[StrategicPriority]:
    """The priority themes of a plan year, replaced as a whole (what BKPSDM edits is the year's list)."""
    if year not in domain.PLAN_YEARS:
        raise Invalid(
            f"Plan years run from {domain.PLAN_YEARS.start} to {domain.PLAN_YEARS.stop - 1}.",
            errors=[{"field": "year", "message": f"{year} is not a plan year."}],
        )
    codes = [item.code for item in items]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise Invalid(
            f"Theme codes must be unique within a year: {', '.join(duplicates)}.",
            errors=[{"field": f"items.{codes.index(c)}.code", "message": "Duplicate code."} for c in duplicates],
        )
    require_competencies(
        uow,
        {f"items.{i}.competencies.{j}": c for i, item in enumerate(items) for j, c in enumerate(item.competencies)},
    )
    _check_targets(uow, items)
    session = uow.session
    before = repository.priority_weights(session, year)
    targets_before = repository.priority_targets(session, year)
    session.execute(delete(StrategicPriority).where(StrategicPriority.plan_year == year))
    session.flush()
    priorities = []
    for item in items:
        priority = StrategicPriority(
            plan_year=year, code=item.code, name=item.name, description=item.description, weight=item.weight
        )
        session.add(priority)
        session.flush()
        session.add_all(PriorityCompetency(priority_id=priority.id, competency_code=c) for c in item.competencies)
        session.add_all(
            PriorityTarget(priority_id=priority.id, **dataclasses.asdict(target)) for target in item.targets
        )
        priorities.append(priority)
    after: dict[str, float] = {}
    for item in items:
        for code in item.competencies:
            after[code] = max(after.get(code, 0.0), item.weight)
    session.flush()
    targets_after = repository.priority_targets(session, year)
    changed = {code for code in set(before) | set(after) if before.get(code) != after.get(code)}
    changed |= {target[0] for target in targets_before ^ targets_after}
    if changed:  # a gap row depends on its own competency alone: only those competencies' rows
        recompute_or_queue(
            uow,
            settings,
            cause=f"strategic priorities of {year} changed",
            nips=None,
            competencies=sorted(changed),
            years=[year],
        )
    uow.commit()
    return priorities
