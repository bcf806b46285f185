"""Reads of the audit service: entries found by person, object, action, service, request and time; one entry with
what it changed; the rows of an export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from services.audit import domain
from services.audit.models import AuditEntry, AuditObject
from shared.errors import NotFound


def _query(filters: dict[str, Any]):
    query = select(AuditEntry)
    if filters.get("actor"):
        matches = [
            condition
            for exact, prefix in domain.actor_matches(filters["actor"])
            for condition in (
                AuditEntry.actor == exact if exact else None,
                AuditEntry.actor.startswith(prefix) if prefix else None,
            )
            if condition is not None
        ]
        query = query.where(or_(*matches))
    if filters.get("object"):
        named = select(AuditObject.entry_id).where(AuditObject.object == filters["object"].strip())
        query = query.where(AuditEntry.id.in_(named))
    if filters.get("action"):
        query = query.where(AuditEntry.action.contains(filters["action"].strip(), autoescape=True))
    for field in ("service", "request_id", "name"):
        if filters.get(field):
            query = query.where(getattr(AuditEntry, field) == filters[field])
    if filters.get("since"):
        query = query.where(AuditEntry.occurred_at >= filters["since"])
    if filters.get("until"):
        query = query.where(AuditEntry.occurred_at < filters["until"])
    return query


def entries(session: Session, filters: dict[str, Any], page_no: int, page_size: int) -> tuple[list[AuditEntry], int]:
    """A page of the entries found, newest first."""
    query = _query(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    ordered = query.order_by(AuditEntry.occurred_at.desc(), AuditEntry.id)
    return list(session.scalars(ordered.limit(page_size).offset((page_no - 1) * page_size))), total or 0


def entry(session: Session, entry_id: str) -> dict[str, Any]:
    """One entry; the entry before it about the same object (the same event, the same key) and, field by field, what
    changed; the other entries of its request (a ``ChangeMade`` and the domain's events it caused)."""
    found = session.get(AuditEntry, entry_id)
    if found is None:
        raise NotFound(f"No audit entry {entry_id}.")
    before = None
    if found.subject and found.name != domain.CHANGE_MADE:
        before = session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.name == found.name,
                AuditEntry.subject == found.subject,
                or_(
                    AuditEntry.occurred_at < found.occurred_at,
                    and_(AuditEntry.occurred_at == found.occurred_at, AuditEntry.id < found.id),
                ),
            )
            .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
            .limit(1)
        ).first()
    related = (
        list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.request_id == found.request_id, AuditEntry.id != found.id)
                .order_by(AuditEntry.occurred_at, AuditEntry.id)
                .limit(200)
            )
        )
        if found.request_id
        else []
    )
    return {
        **as_row(found),
        "before_id": before.id if before else None,
        "changes": domain.changes(before.data if before else None, found.data)
        if found.name != domain.CHANGE_MADE
        else [],
        "related": [as_row(other) for other in related],
    }


def export_rows(session: Session, filters: dict[str, Any], limit: int) -> Iterator[dict[str, Any]]:
    """The entries found, oldest first, at most ``limit``, as the rows of an export (the data as JSON text)."""
    ordered = _query(filters).order_by(AuditEntry.occurred_at, AuditEntry.id).limit(limit)
    for found in session.scalars(ordered.execution_options(yield_per=1000)):
        yield as_row(found)


def as_row(found: AuditEntry) -> dict[str, Any]:
    return {column.key: getattr(found, column.key) for column in AuditEntry.__table__.columns}
