"""Development outside Bangkom: the records ASN submitted and BKPSDM verifies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.needs.models import Employee, ExternalDevelopment
from services.needs.views.paging import check_may_see, page
from shared.errors import NotFound
from shared.identity import Identity


def external_records(session: Session, filters: dict[str, Any], page_no: int, page_size: int):
    query = select(ExternalDevelopment).order_by(ExternalDevelopment.submitted_at, ExternalDevelopment.id)
    for field in ("status", "nip"):
        if filters.get(field):
            query = query.where(getattr(ExternalDevelopment, field) == filters[field])
    if filters.get("unit_code"):
        query = query.join(Employee, Employee.nip == ExternalDevelopment.nip).where(
            Employee.unit_code == filters["unit_code"]
        )
    return page(session, query, page_no, page_size, entities=True)


def external_record(session: Session, who: Identity, record_id: str) -> ExternalDevelopment:
    record = session.get(ExternalDevelopment, record_id)
    if record is None:
        raise NotFound(f"No external development record {record_id}.")
    check_may_see(session, who, record.nip)
    return record
