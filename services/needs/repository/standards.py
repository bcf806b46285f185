"""The competency standard in SQL: a position's own, else its class's, and what changed between two."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import (
    exists,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from services.needs.models import (
    ClassStandard,
    Position,
    PositionStandard,
)


def standard_cte():
    """The effective standard of every position: its class default, overridden by its own entries."""
    overridden = exists().where(
        PositionStandard.position_code == Position.code,
        PositionStandard.competency_code == ClassStandard.competency_code,
    )
    from_class = (
        select(
            Position.code.label("position_code"),
            ClassStandard.competency_code.label("competency_code"),
            ClassStandard.required_level.label("required_level"),
        )
        .join(ClassStandard, ClassStandard.position_class == Position.position_class)
        .where(~overridden)
    )
    own = select(
        PositionStandard.position_code, PositionStandard.competency_code, PositionStandard.required_level
    ).where(PositionStandard.required_level > 0)
    return union_all(from_class, own).cte("standard")


def effective_standard(session: Session, position_codes: Iterable[str]) -> dict[tuple[str, str], int]:
    """(position, competency) → required level, of the given positions' effective standards."""
    standard = standard_cte()
    rows = session.execute(
        select(standard.c.position_code, standard.c.competency_code, standard.c.required_level).where(
            standard.c.position_code.in_(list(position_codes))
        )
    )
    return {(row.position_code, row.competency_code): row.required_level for row in rows}


def changed_competencies(before: Mapping[tuple[str, str], int], after: Mapping[tuple[str, str], int]) -> list[str]:
    """The competencies whose required level differs (added, removed or changed) between two standards."""
    return sorted({key[1] for key in set(before) | set(after) if before.get(key) != after.get(key)})


def positions_by_code(session: Session, codes: Iterable[str]) -> dict[str, Position]:
    return {p.code: p for p in session.scalars(select(Position).where(Position.code.in_(list(codes))))}
