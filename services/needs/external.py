"""Development outside Bangkom (docs/needs.md, "Development outside Bangkom"): claimed with a certificate,
verified or rejected by BKPSDM; a verified record counts in the JP ledger like a Bangkom training.

The claim and its decision are commands of the HTTP layer; crediting is the handler of the
``ExternalDevelopmentVerified`` event (``handlers.on_external_development_verified``), as crediting a
Bangkom training is the handler of ``TrainingCompleted``: the same ledger, the same way out to SIMPEG.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from typing import Any

from services.needs import domain, handlers
from services.needs.config import NeedsSettings
from services.needs.models import Employee, ExternalDevelopment
from services.needs.objectstore import ObjectStore
from shared.db import UnitOfWork, utcnow
from shared.errors import Invalid, check_transition
from shared.events import new_event


def submit(
    uow: UnitOfWork, settings: NeedsSettings, nip: str, data: Mapping[str, Any], submitted_by: str
) -> ExternalDevelopment:
    uow.get(Employee, nip, "employee")
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
    uow.session.add(record)
    uow.commit()
    return record


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
    uow: UnitOfWork, record_id: str, verified: bool, decided_by: str, reason: str | None = None
) -> ExternalDevelopment:
    """BKPSDM's decision; a verification needs the certificate file, a rejection a reason."""
    record = uow.get(ExternalDevelopment, record_id, "external development record", with_for_update=True)
    wanted = "verified" if verified else "rejected"
    check_transition(domain.EXTERNAL_TRANSITIONS, "external development record", record.status, wanted)
    if verified and record.certificate_key is None:
        raise Invalid(
            "Attach the certificate file before verifying.",
            errors=[{"field": "certificate", "message": "No certificate file."}],
        )
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
