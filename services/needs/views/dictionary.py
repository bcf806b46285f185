"""The competency dictionary, the year's priorities, the standards and the positions."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.needs import domain
from services.needs.models import (
    ClassStandard,
    Competency,
    Position,
    PositionStandard,
    PriorityCompetency,
    PriorityTarget,
    StrategicPriority,
)
from shared.errors import NotFound


def competencies(session: Session, group: str | None, q: str | None, active: bool | None) -> list[Competency]:
    query = select(Competency).order_by(Competency.group, Competency.code)
    if group:
        query = query.where(Competency.group == group)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(func.lower(Competency.name).like(like) | func.lower(Competency.code).like(like))
    if active is not None:
        query = query.where(Competency.active.is_(active))
    return list(session.scalars(query))


def competency(session: Session, code: str) -> Competency:
    found = session.get(Competency, code)
    if found is None:
        raise NotFound(f"No competency {code}.")
    return found


def priorities(session: Session, year: int) -> list[dict[str, Any]]:
    themes = session.scalars(
        select(StrategicPriority).where(StrategicPriority.plan_year == year).order_by(StrategicPriority.weight.desc())
    ).all()
    links = defaultdict(list)
    for priority_id, code in session.execute(
        select(PriorityCompetency.priority_id, PriorityCompetency.competency_code).order_by(
            PriorityCompetency.competency_code
        )
    ):
        links[priority_id].append(code)
    targets = defaultdict(list)
    for target in session.scalars(
        select(PriorityTarget)
        .join(StrategicPriority, StrategicPriority.id == PriorityTarget.priority_id)
        .where(StrategicPriority.plan_year == year)
        .order_by(PriorityTarget.id)
    ):
        targets[target.priority_id].append(
            {
                "competency_code": target.competency_code,
                "level": target.level,
                "position_class": target.position_class,
                "unit_code": target.unit_code,
                "position_code": target.position_code,
            }
        )
    return [
        {
            "code": t.code,
            "name": t.name,
            "description": t.description,
            "weight": t.weight,
            "competencies": links[t.id],
            "targets": targets[t.id],
        }
        for t in themes
    ]


def class_standard(session: Session, position_class: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(ClassStandard.competency_code, ClassStandard.required_level)
        .where(ClassStandard.position_class == position_class)
        .order_by(ClassStandard.competency_code)
    )
    return [{"competency_code": code, "required_level": level} for code, level in rows]


def position(session: Session, code: str) -> dict[str, Any]:
    found = session.get(Position, code)
    if found is None:
        raise NotFound(f"No position {code}.")
    default = dict(
        session.execute(
            select(ClassStandard.competency_code, ClassStandard.required_level).where(
                ClassStandard.position_class == found.position_class
            )
        ).all()
    )
    overrides = dict(
        session.execute(
            select(PositionStandard.competency_code, PositionStandard.required_level).where(
                PositionStandard.position_code == code
            )
        ).all()
    )
    effective = domain.effective_standard(default, overrides)
    return {
        "code": found.code,
        "name": found.name,
        "position_class": found.position_class,
        "overrides": [{"competency_code": c, "required_level": lvl} for c, lvl in sorted(overrides.items())],
        "standard": [{"competency_code": c, "required_level": lvl} for c, lvl in sorted(effective.items())],
    }


def positions(session: Session, position_class: str | None) -> list[Position]:
    query = select(Position).order_by(Position.code)
    if position_class:
        query = query.where(Position.position_class == position_class)
    return list(session.scalars(query))
