"""Competency standards: by position class and per position (jabatan)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlalchemy import delete, select

from services.needs import repository
from services.needs.commands import PositionChange, StandardLevel
from services.needs.config import NeedsSettings
from services.needs.handlers.checks import require_competencies, require_unique
from services.needs.handlers.recompute import recompute_or_queue
from services.needs.models import ClassStandard, Employee, Position, PositionStandard
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound


def replace_class_standard(
    uow: UnitOfWork, settings: NeedsSettings, position_class: str, items: Sequence[StandardLevel]
) -> None:
    require_unique([item.competency_code for item in items], "items", "competency_code")
    require_competencies(uow, {f"items.{i}.competency_code": item.competency_code for i, item in enumerate(items)})
    session = uow.session
    before = {
        ("", row.competency_code): row.required_level
        for row in session.scalars(select(ClassStandard).where(ClassStandard.position_class == position_class))
    }
    session.execute(delete(ClassStandard).where(ClassStandard.position_class == position_class))
    session.add_all(ClassStandard(position_class=position_class, **dataclasses.asdict(item)) for item in items)
    changed = repository.changed_competencies(before, {("", i.competency_code): i.required_level for i in items})
    if changed:
        nips = session.scalars(
            select(Employee.nip)
            .join(Position, Position.code == Employee.position_code)
            .where(Position.position_class == position_class)
        ).all()
        recompute_or_queue(
            uow, settings, cause=f"class standard of {position_class} changed", nips=nips, competencies=changed
        )
    uow.commit()


def save_position(uow: UnitOfWork, settings: NeedsSettings, code: str, data: PositionChange, create: bool) -> Position:
    session = uow.session
    position = session.get(Position, code)
    if create and position is not None:
        raise Conflict(
            f"Position code {code} already exists; update it instead.",
            errors=[{"field": "code", "message": "Already exists."}],
        )
    if position is None:
        if not create:
            raise NotFound(f"No position with code {code}.")
        position = Position(code=code)
        session.add(position)
    class_changed = position.position_class != data.position_class
    position.name, position.position_class = data.name, data.position_class
    if class_changed and not create:
        recompute_or_queue(
            uow,
            settings,
            cause=f"position {code} moved to class {position.position_class}",
            nips=_nips_in_position(uow, code),
            competencies=None,
        )
    uow.commit()
    return position


def replace_position_standard(
    uow: UnitOfWork, settings: NeedsSettings, code: str, items: Sequence[StandardLevel]
) -> None:
    uow.get(Position, code, "position")
    require_unique([item.competency_code for item in items], "items", "competency_code")
    require_competencies(uow, {f"items.{i}.competency_code": item.competency_code for i, item in enumerate(items)})
    session = uow.session
    before = repository.effective_standard(session, [code])
    session.execute(delete(PositionStandard).where(PositionStandard.position_code == code))
    session.add_all(PositionStandard(position_code=code, **dataclasses.asdict(item)) for item in items)
    session.flush()
    changed = repository.changed_competencies(before, repository.effective_standard(session, [code]))
    if changed:  # only the entries that changed: a gap row depends on its own competency alone
        recompute_or_queue(
            uow,
            settings,
            cause=f"standard of position {code} changed",
            nips=_nips_in_position(uow, code),
            competencies=changed,
        )
    uow.commit()


def _nips_in_position(uow: UnitOfWork, code: str) -> list[str]:
    return list(uow.session.scalars(select(Employee.nip).where(Employee.position_code == code)))
