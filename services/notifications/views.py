"""Reads of the notifications service."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.notifications import domain
from services.notifications.models import Message, Preference


def preference(session: Session, nip: str) -> dict[str, Any]:
    found = session.get(Preference, nip)
    return {
        "language": found.language if found else "id",
        "muted": list(found.muted) if found else [],
        "kinds": [{"kind": kind, "mandatory": kind in domain.MANDATORY} for kind in domain.KINDS],
    }


def messages(session: Session, filters: dict[str, Any], page_no: int, page_size: int) -> tuple[list[Message], int]:
    query = select(Message).order_by(Message.created_at.desc(), Message.id)
    for field in ("status", "nip", "kind"):
        if filters.get(field):
            query = query.where(getattr(Message, field) == filters[field])
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return list(session.scalars(query.limit(page_size).offset((page_no - 1) * page_size))), total
