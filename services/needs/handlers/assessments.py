"""Assessments of an ASN's competencies (one, or an assessment centre's results in a file), and the needs BKPSDM
moves by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import uuid
from typing import Any

from sqlalchemy import select

from services.needs import domain, repository
from services.needs.commands import Assessment
from services.needs.config import NeedsSettings
from services.needs.handlers.checks import require_competencies
from services.needs.handlers.recompute import recompute
from services.needs.models import AssessmentRecord, Competency, Employee, Need
from shared import nip as employee_number
from shared import sheets
from shared.db import UnitOfWork, utcnow
from shared.errors import Invalid, check_transition


def record_assessment(uow: UnitOfWork, settings: NeedsSettings, nip: str, data: Assessment) -> AssessmentRecord:

    uow.get(Employee, nip, "employee")
    require_competencies(uow, {"competency_code": data.competency_code})
    if data.assessed_on > settings.today():
        raise Invalid(
            "The assessment date is in the future.",
            errors=[{"field": "assessed_on", "message": "Must not be after today."}],
        )
    assessment = AssessmentRecord(id=str(uuid.uuid4()), nip=nip, **dataclasses.asdict(data))
    uow.session.add(assessment)
    recompute(uow, settings, nips=[nip])
    uow.commit()
    return assessment


# --- needs --------------------------------------------------------------------------------------


def change_need_status(uow: UnitOfWork, need_id: str, status: str, note: str | None = None) -> Need:
    need = uow.get(Need, need_id, "need")
    check_transition(domain.MANUAL_TRANSITIONS, "need (changed by hand)", need.status, status)
    if status == "closed" and need.status in ("in_training", "awaiting_evaluation") and not note:
        raise Invalid(
            f"A need that is {need.status} is closed by hand only with a note saying why (for example: the "
            "evaluation will not come and the gap is accepted).",
            errors=[{"field": "note", "message": "Required to close this need."}],
        )
    need.status, need.note = status, note or need.note
    need.updated_at = utcnow()
    if status == "closed":
        need.closed_reason, need.closed_at = "cancelled", utcnow()
        uow.publish(repository.need_closed_event(need.id, need.nip, need.competency_code, "cancelled"))
    else:  # planned, or back to open: the training service's pool follows
        uow.publish(repository.need_updated_event(need))
    uow.commit()
    return need


# --- results of an assessment centre or a competency test, in bulk --------------------------------

IMPORT_COLUMNS = "NIP, Kode Kompetensi, Level, Tanggal, Sumber, Keterangan"
SOURCE_WORDS = {  # what a person may write in the Sumber column
    "assessment_centre": "assessment_centre",
    "assessment center": "assessment_centre",
    "assessment centre": "assessment_centre",
    "competency_test": "competency_test",
    "uji kompetensi": "competency_test",
}


def import_assessments(uow: UnitOfWork, settings: NeedsSettings, content: bytes, filename: str) -> dict[str, Any]:
    """Results of an assessment centre or a competency test (XLSX or CSV: ``IMPORT_COLUMNS``), row by row: the valid
    rows are recorded together and their ASN recomputed once; an invalid row is reported with its row number, column
    and reason and changes nothing. A row is one result (NIP, competency, source, date): importing the same file
    again records nothing twice (``duplicate``), a corrected level replaces the one imported before (``updated``)."""
    rows = sheets.read(content, filename, "NIP", f"an assessment results file ({IMPORT_COLUMNS})")
    named = {employee_number.normalise(str(row.get("NIP") or "")) for _, row in rows}
    known_people = set(uow.session.scalars(select(Employee.nip).where(Employee.nip.in_(named))))
    active = set(uow.session.scalars(select(Competency.code).where(Competency.active.is_(True))))
    parsed_rows = [(number, _assessment_row(row, known_people, active, settings.today())) for number, row in rows]
    ids = {_record_id(parsed) for _, parsed in parsed_rows if isinstance(parsed, dict)}
    records = {r.id: r for r in uow.session.scalars(select(AssessmentRecord).where(AssessmentRecord.id.in_(ids)))}
    results, touched = [], set()
    for number, parsed in parsed_rows:
        if isinstance(parsed, tuple):
            field, message, nip = parsed
            results.append({"row": number, "nip": nip, "outcome": "invalid", "field": field, "message": message})
            continue
        outcome = _save_imported(uow, records, parsed)
        if outcome != "duplicate":
            touched.add(parsed["nip"])
        results.append(
            {"row": number, "nip": parsed["nip"], "competency_code": parsed["competency_code"], "outcome": outcome}
        )
    if touched:
        recompute(uow, settings, nips=sorted(touched))
    uow.commit()
    counts = {k: sum(1 for r in results if r["outcome"] == k) for k in ("accepted", "updated", "duplicate", "invalid")}
    return {"received": len(results), **counts, "results": results}


def _assessment_row(
    row: dict[str, Any], people: set[str], competencies: set[str], today: dt.date
) -> dict[str, Any] | tuple[str, str, str | None]:
    """One row of an assessment file → the assessment's fields, or (column, reason, NIP) of its first problem."""
    number = employee_number.normalise(str(row.get("NIP") or ""))
    if employee_number.is_number_cell(row.get("NIP")):
        return "NIP", employee_number.NUMBER_CELL, number or None
    if number not in people:
        return "NIP", "No employee with this NIP; load the employees from SIMPEG first.", number or None
    code = str(row.get("Kode Kompetensi") or "").strip()
    if code not in competencies:
        return "Kode Kompetensi", "No active competency with this code in the dictionary.", number
    level = row.get("Level")
    if not (isinstance(level, int) or str(level or "").strip().isdigit()) or not 1 <= int(level) <= 5:
        return "Level", "The level must be a whole number from 1 to 5.", number
    assessed_on = _date_cell(row.get("Tanggal"))
    if assessed_on is None or assessed_on > today:
        return "Tanggal", "Write the date of the assessment as YYYY-MM-DD or DD-MM-YYYY, not after today.", number
    source = SOURCE_WORDS.get(str(row.get("Sumber") or "assessment_centre").strip().lower())
    if source is None:
        return "Sumber", "Write Assessment center or Uji kompetensi (or leave it empty: Assessment center).", number
    return {
        "nip": number,
        "competency_code": code,
        "level": int(level),
        "source": source,
        "assessed_on": assessed_on,
        "evidence": str(row.get("Keterangan") or "").strip()[:4000],
    }


def _date_cell(value: Any) -> dt.date | None:
    """A date as a spreadsheet gives it: a date or datetime cell, or text YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(str(value or "").strip(), pattern).date()
        except ValueError:
            continue
    return None


def _record_id(fields: dict[str, Any]) -> str:
    """An imported result's id, made of what makes it one result: NIP, competency, source and date."""
    key = "|".join([fields["nip"], fields["competency_code"], fields["source"], fields["assessed_on"].isoformat()])
    return "import-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _save_imported(uow: UnitOfWork, records: dict[str, AssessmentRecord], fields: dict[str, Any]) -> str:
    """Record one imported result under its id (``records``: the file's results already stored, or added by an
    earlier row of the file); ``accepted``, ``updated`` or ``duplicate``."""
    record_id = _record_id(fields)
    existing = records.get(record_id)
    if existing is None:
        records[record_id] = AssessmentRecord(id=record_id, **fields)
        uow.session.add(records[record_id])
        return "accepted"
    if (existing.level, existing.evidence) == (fields["level"], fields["evidence"]):
        return "duplicate"
    existing.level, existing.evidence, existing.recorded_at = fields["level"], fields["evidence"], utcnow()
    return "updated"
