"""Application use-cases of the training service: one function per command or event, by use case.

Each takes its input and a unit of work, changes state through ``uow.session``, publishes events through the outbox and
commits once, so a failure writes nothing. ``partners`` (institutions and their keys), ``programs`` (programs, batches,
meetings), ``enrolment`` (nomination and withdrawal), ``attendance`` (every source of attendance), ``check_in`` (at
the venue), ``completion`` (post-tests, closing and reopening a batch), ``events`` (what the worker consumes). The
names are gathered here, so that callers say ``handlers.close_batch`` whatever module holds it.
"""

from services.training.handlers.attendance import (
    RETRIES_ON_RACE,
    apply_attendance,
    import_attendance_sheet,
    lock_batch_whole,
    record_attendance,
    record_roster_attendance,
)
from services.training.handlers.check_in import check_in, check_in_key
from services.training.handlers.completion import (
    close_batch,
    own_batch,
    record_evidence,
    reopen_batch,
    set_test_score,
)
from services.training.handlers.enrolment import enrol, withdraw
from services.training.handlers.events import (
    EVENT_HANDLERS,
    TOPICS,
    event_handlers,
    on_employee_synced,
    on_jp_credited,
    on_need_closed,
    on_need_identified,
    on_need_updated,
    on_program_evaluated,
)
from services.training.handlers.partners import (
    add_partner_key,
    create_partner,
    revoke_partner_key,
    signing_secret,
    verify_partner_key,
)
from services.training.handlers.programs import (
    add_batch,
    change_program_status,
    create_program,
    reschedule_meeting,
    update_program,
)

__all__ = [
    "EVENT_HANDLERS",
    "RETRIES_ON_RACE",
    "TOPICS",
    "add_batch",
    "add_partner_key",
    "apply_attendance",
    "change_program_status",
    "check_in",
    "check_in_key",
    "close_batch",
    "create_partner",
    "create_program",
    "enrol",
    "event_handlers",
    "import_attendance_sheet",
    "lock_batch_whole",
    "on_employee_synced",
    "on_jp_credited",
    "on_need_closed",
    "on_need_identified",
    "on_need_updated",
    "on_program_evaluated",
    "own_batch",
    "record_attendance",
    "record_roster_attendance",
    "reopen_batch",
    "reschedule_meeting",
    "revoke_partner_key",
    "set_test_score",
    "record_evidence",
    "update_program",
    "signing_secret",
    "verify_partner_key",
    "withdraw",
]
