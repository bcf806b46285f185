"""Read side of the SIMPEG integration: the latest runs, the status and the training-history records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.needs.models import SimpegHistory, SimpegSyncRun
from services.needs.simpeg.mapping import FINISHED
from services.needs.views import page


def latest_runs(session: Session, limit: int = 20) -> list[SimpegSyncRun]:
    return list(session.scalars(select(SimpegSyncRun).order_by(SimpegSyncRun.created_at.desc()).limit(limit)))


def history_counts(session: Session) -> dict[str, int]:
    counts = dict(session.execute(select(SimpegHistory.status, func.count()).group_by(SimpegHistory.status)).all())
    return {status: counts.get(status, 0) for status in ("pending", "sent", "failed")}


def status(session: Session, configured: bool) -> dict[str, Any]:
    newest = select(SimpegSyncRun).order_by(SimpegSyncRun.created_at.desc()).limit(1)
    return {
        "configured": configured,
        "last_run": session.scalar(newest),
        "last_success": session.scalar(newest.where(SimpegSyncRun.status.in_(FINISHED))),
        "history": history_counts(session),
    }


def history(session: Session, filters: dict[str, Any], page_no: int, page_size: int):
    query = select(SimpegHistory).order_by(SimpegHistory.created_at, SimpegHistory.enrollment_id)
    for field in ("status", "nip"):
        if filters.get(field):
            query = query.where(getattr(SimpegHistory, field) == filters[field])
    return page(session, query, page_no, page_size, entities=True)
