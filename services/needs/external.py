"""Development outside Bangkom (docs/needs.md, "Development outside Bangkom"): claimed with a certificate (a second
claim of a certificate flagged), verified (with the JP and levels BKPSDM sets) or rejected by BKPSDM, a verification
withdrawn; a verified record counts in the JP ledger like a Bangkom training.

The claim and its decision are commands of the HTTP layer; crediting is the handler of the
``ExternalDevelopmentVerified`` event (``handlers.on_external_development_verified``), as crediting a
Bangkom training is the handler of ``TrainingCompleted``: the same ledger, the same way out to SIMPEG.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from services.needs import domain, handlers
from services.needs.config import NeedsSettings
from services.needs.models import Employee, ExternalDevelopment, JpCredit
from services.needs.objectstore import ObjectStore
from shared import forms
from shared.db import UnitOfWork, utcnow
from shared.errors import Conflict, Invalid, check_transition
from shared.events import new_event


def submit(
    uow: UnitOfWork, settings: NeedsSettings, nip: str, data: Mapping[str, Any], submitted_by: str
) -> ExternalDevelopment:
    uow.get(Employee, nip, "employee")
    data = {**data, "jp": forms.counted_jp(settings.jp_conversion, data["form"], data.get("quantity"), data["jp"])}
    problems = domain.external_problems(data["starts_on"], data["ends_on"], data["jp"], settings.today())
    codes = [c["code"] for c in data["competencies"]]
    handlers.require_unique(codes, "competencies", "code")
    handlers.require_competencies(uow, {f"competencies.{i}.code": code for i, code in enumerate(codes)})
    if problems:
        raise Invalid(
            "The claim cannot be submitted: " + " ".join(problems.values()),
            errors=[{"field": field, "message": message} for field, message in problems.items()],
        )
    record = ExternalDevelopment(
        id=str(uuid.uuid4()), nip=nip, status="submitted", submitted_by=submitted_by, submitted_at=utcnow(), **data
    )
    record.duplicate_of = _counted_already(uow, nip, data["certificate_number"], data["organiser"])
    record.certificate_ref = domain.certificate_key(data["certificate_number"], data["organiser"])
    uow.session.add(record)
    uow.commit()
    return record


def _counted_already(uow: UnitOfWork, nip: str, number: str, organiser: str) -> str | None:
    """The claim (pending or verified) of the same certificate number and issuer, or the JP credit of that
    certificate number for the ASN (a Bangkom training, a record from SIMPEG): a second claim is flagged with it."""
    other = uow.session.scalar(
        select(ExternalDevelopment.id).where(
            ExternalDevelopment.certificate_ref == domain.certificate_key(number, organiser),
            ExternalDevelopment.status.in_(("submitted", "verified")),
        )
    )
    if other is not None:
        return other
    number_key = domain.certificate_key(number)
    for credit_id, credited in uow.session.execute(
        select(JpCredit.credit_id, JpCredit.certificate_number).where(
            JpCredit.nip == nip, JpCredit.certificate_number.is_not(None)
        )
    ):
        if domain.certificate_key(credited) == number_key:
            return credit_id
    return None


def attach_certificate(
    uow: UnitOfWork, settings: NeedsSettings, store: ObjectStore, record_id: str, content: bytes
) -> ExternalDevelopment:
    """Store the certificate file (PDF, PNG or JPEG, by its content) and link it to a claim still undecided."""
    record = uow.get(ExternalDevelopment, record_id, "external development record")
    if record.status != "submitted":
        check_transition(domain.EXTERNAL_TRANSITIONS, "external development record", record.status, "submitted")
    if len(content) > settings.certificate_max_bytes:
        raise Invalid(
            f"The certificate file is larger than {settings.certificate_max_bytes // 1_000_000} MB; scan it at a "
            "lower resolution or as a PDF.",
            errors=[{"field": "file", "message": "Too large."}],
        )
    media_type = domain.certificate_type(content)
    if media_type is None:
        raise Invalid(
            "The certificate must be a PDF, PNG or JPEG file.",
            errors=[{"field": "file", "message": "Not a PDF, PNG or JPEG file (judged by its content)."}],
        )
    digest = hashlib.sha256(content).hexdigest()
    key = f"certificates/{record.nip}/{record.id}/{digest[:16]}"
    store.put(key, content, media_type)  # before the row: a row never points at a file that is not there
    record.certificate_key, record.certificate_type = key, media_type
    record.certificate_size, record.certificate_sha256 = len(content), digest
    uow.commit()
    return record


def decide(
    uow: UnitOfWork,
    record_id: str,
    verified: bool,
    decided_by: str,
    reason: str | None = None,
    adjusted: Mapping[str, Any] | None = None,
) -> ExternalDevelopment:
    """BKPSDM's decision; a verification needs the certificate file (and no duplicate of a certificate already
    counted), a rejection a reason. Verifying, BKPSDM may set the JP and the levels (``adjusted``): what was claimed
    is kept beside them, and what BKPSDM set is what counts."""
    record = uow.get(ExternalDevelopment, record_id, "external development record", with_for_update=True)
    wanted = "verified" if verified else "rejected"
    check_transition(domain.EXTERNAL_TRANSITIONS, "external development record", record.status, wanted)
    if verified and record.certificate_key is None:
        raise Invalid(
            "Attach the certificate file before verifying.",
            errors=[{"field": "certificate", "message": "No certificate file."}],
        )
    if verified and record.duplicate_of and _still_counted(uow, record.duplicate_of):
        raise Conflict(
            f"This certificate is already counted ({record.duplicate_of}): reject this claim as a duplicate.",
            errors=[{"field": "certificate_number", "message": "Claimed or credited already."}],
        )
    if verified and adjusted:
        _adjust(uow, record, adjusted)
    record.status, record.decided_by, record.decided_at, record.reason = wanted, decided_by, utcnow(), reason
    if verified:
        event = new_event(
            "ExternalDevelopmentVerified",
            {
                "record_id": record.id,
                "nip": record.nip,
                "title": record.title,
                "form": record.form,
                "organiser": record.organiser,
                "starts_on": record.starts_on,
                "ends_on": record.ends_on,
                "jp": record.jp,
                "competencies": record.competencies,
                "certificate_number": record.certificate_number,
                "verified_by": decided_by,
            },
        )
    else:
        event = new_event(
            "ExternalDevelopmentRejected",
            {
                "record_id": record.id,
                "nip": record.nip,
                "title": record.title,
                "reason": reason,
                "rejected_by": decided_by,
            },
        )
    uow.publish(event)
    uow.commit()
    return record


def _still_counted(uow: UnitOfWork, duplicate_of: str) -> bool:
    other = uow.session.get(ExternalDevelopment, duplicate_of)
    if other is not None:
        return other.status in ("submitted", "verified")
    return uow.session.get(JpCredit, duplicate_of) is not None


def _adjust(uow: UnitOfWork, record: ExternalDevelopment, adjusted: Mapping[str, Any]) -> None:
    """The JP and levels BKPSDM found on the certificate, the claimed ones kept beside them."""
    if adjusted.get("competencies") is not None:
        codes = [c["code"] for c in adjusted["competencies"]]
        handlers.require_unique(codes, "competencies", "code")
        handlers.require_competencies(uow, {f"competencies.{i}.code": code for i, code in enumerate(codes)})
    record.claimed_jp, record.claimed_competencies = record.jp, record.competencies
    record.jp = adjusted.get("jp") or record.jp
    if adjusted.get("competencies") is not None:
        record.competencies = [dict(c) for c in adjusted["competencies"]]


def withdraw(uow: UnitOfWork, record_id: str, withdrawn_by: str, reason: str) -> ExternalDevelopment:
    """BKPSDM takes back a wrong verification, with a reason: ``ExternalDevelopmentWithdrawn`` makes the worker take
    its JP out of the ledger (a ``JpCredited`` of minus the JP) and its levels out of the ASN's assessments."""
    record = uow.get(ExternalDevelopment, record_id, "external development record", with_for_update=True)
    check_transition(domain.EXTERNAL_TRANSITIONS, "external development record", record.status, "withdrawn")
    record.status, record.withdrawn_by, record.withdrawn_at, record.withdrawn_reason = (
        "withdrawn",
        withdrawn_by,
        utcnow(),
        reason,
    )
    uow.publish(
        new_event(
            "ExternalDevelopmentWithdrawn",
            {
                "record_id": record.id,
                "nip": record.nip,
                "title": record.title,
                "reason": reason,
                "withdrawn_by": withdrawn_by,
            },
        )
    )
    uow.commit()
    return record
