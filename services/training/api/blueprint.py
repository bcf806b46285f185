"""The training blueprint, who may call which route (docs/access.md), and the partner a caller is kept to."""

from __future__ import annotations

from flask_smorest import Blueprint

from shared.errors import Forbidden
from shared.web import access_rules, caller

blp = Blueprint(
    "training",
    __name__,
    url_prefix="/api/v1/training",
    description="Training delivery: partners, programs, batches (angkatan), nomination, attendance, completion.",
)


ADMIN, PEOPLE, PARTNER = ("admin",), ("admin", "supervisor", "employee"), ("partner",)
DELIVERY = ("admin", "partner")  # BKPSDM, or a partner's user on its own batches (``scope``)
# Who may call what (docs/access.md); a partner's routes also keep it to its own batches.
ACCESS = access_rules(
    blp.url_prefix,
    {
        "GET /partners": ADMIN,
        "POST /partners": ADMIN,
        "GET /partners/<code>/keys": ADMIN,
        "POST /partners/<code>/keys": ADMIN,
        "DELETE /partners/<code>/keys/<key_id>": ADMIN,
        "GET /programs": (*PEOPLE, "opd"),
        "POST /programs": ADMIN,
        "GET /programs/<program_id>": (*PEOPLE, "partner", "opd"),
        "PUT /programs/<program_id>": ADMIN,
        "PUT /programs/<program_id>/status": ADMIN,
        "GET /programs/<program_id>/batches": (*PEOPLE, "opd"),
        "POST /programs/<program_id>/batches": ADMIN,
        "GET /batches": ADMIN,
        "GET /batches/<batch_id>": (*PEOPLE, "partner", "opd"),
        "GET /batches/<batch_id>/candidates": ADMIN,
        "GET /batches/<batch_id>/enrollments": (*DELIVERY, "opd"),  # an OPD: its own people
        "POST /batches/<batch_id>/enrollments": ADMIN,
        "PUT /batches/<batch_id>/enrollments/<nip>/pre-test": DELIVERY,
        "PUT /batches/<batch_id>/enrollments/<nip>/post-test": DELIVERY,
        "PUT /batches/<batch_id>/enrollments/<nip>/evidence": DELIVERY,
        "POST /batches/<batch_id>/close": ADMIN,
        "POST /batches/<batch_id>/reopen": ADMIN,
        "POST /batches/<batch_id>/enrollments/<nip>/withdrawal": ADMIN,
        "GET /batches/<batch_id>/meetings/<int:meeting_no>/attendance": DELIVERY,
        "PUT /batches/<batch_id>/meetings/<int:meeting_no>/attendance": DELIVERY,
        "GET /batches/<batch_id>/attendance-sheet": DELIVERY,
        "POST /batches/<batch_id>/attendance-sheet": DELIVERY,
        "GET /batches/<batch_id>/meetings/<int:meeting_no>/check-in-code": ADMIN,
        "PUT /batches/<batch_id>/meetings/<int:meeting_no>": ADMIN,
        "GET /batches/<batch_id>/meetings/<int:meeting_no>/signature-sheet": DELIVERY,
        "GET /batches/<batch_id>/call-up-letter": ADMIN,
        "GET /enrollments/<enrollment_id>/certificate": PEOPLE,
        "GET /certificates/verification": ("gateway", *PEOPLE, "partner"),
        "POST /check-in": ("employee", "supervisor"),
        "GET /partner/batches": PARTNER,
        "GET /partner/batches/<batch_id>/enrollments": PARTNER,
        "POST /partner/attendance": PARTNER,
        "POST /partner/attendance/record": PARTNER,
        "PUT /partner/batches/<batch_id>/enrollments/<nip>/pre-test": PARTNER,
        "PUT /partner/batches/<batch_id>/enrollments/<nip>/post-test": PARTNER,
        "PUT /partner/batches/<batch_id>/enrollments/<nip>/evidence": PARTNER,
        "POST /internal/partner-keys/verify": ("gateway",),
        "POST /internal/partner-keys/signing-secret": ("gateway",),
    },
)


def scope() -> str | None:
    """The partner a caller is kept to: none for BKPSDM and the ASN (their own checks apply), the partner's code for
    a partner (a user or a key), who then touches only its own programs and batches (404 for the others). An OPD
    user reads every program and batch, and of a roster only its own unit's people."""
    who = caller()
    if who.has_role("admin", "supervisor", "employee", "opd"):
        return None
    return partner_code_of_caller()


def partner_code_of_caller() -> str:
    """The calling partner institution (the access table admits only the partner role here)."""
    who = caller()
    if not who.partner_code:
        raise Forbidden("This identity names no partner institution.")
    return who.partner_code
