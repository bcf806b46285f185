"""Read side of the training service, by what it shows: ``programs`` (programs, batches and their meetings),
``rosters`` (participants, attendance, the sheet, a partner's own batches), ``partners``, ``nomination`` (candidates,
who is busy, JP taken against the PPPK cap) and ``documents`` (certificates, call-up letters, signature sheets). The
names are gathered here.
"""

from services.training.views.documents import (
    call_up_letter,
    certificate_check,
    certificate_pdf,
    signature_sheet,
    verify_url,
)
from services.training.views.nomination import (
    already_nominated,
    busy_nips,
    candidates,
    cap_warnings,
    jp_taken,
    schedule,
)
from services.training.views.partners import partner, partner_keys, partners
from services.training.views.programs import batch, batches_meeting_between, batches_of_program, program, programs
from services.training.views.rosters import (
    SHEET_COLUMNS,
    meeting_attendance,
    partner_batches,
    roster,
    roster_enrollments,
    sheet_rows,
)

__all__ = [
    "SHEET_COLUMNS",
    "already_nominated",
    "batch",
    "batches_meeting_between",
    "batches_of_program",
    "busy_nips",
    "call_up_letter",
    "candidates",
    "cap_warnings",
    "certificate_check",
    "certificate_pdf",
    "jp_taken",
    "meeting_attendance",
    "partner",
    "partner_batches",
    "partner_keys",
    "partners",
    "program",
    "programs",
    "roster",
    "roster_enrollments",
    "schedule",
    "sheet_rows",
    "signature_sheet",
    "verify_url",
]
