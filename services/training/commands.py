"""What the training handlers are asked to do, typed: the HTTP layer's schemas make these (``post_load``), and so do the
handlers' other callers (an attendance sheet, a check-in at the venue), so each side agrees with the other by type, not
by the keys of a dict. Pure data: no Flask, SQLAlchemy or Kafka."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PartnerDetails:
    code: str
    name: str
    kind: str
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


@dataclass(frozen=True)
class CompetencyTarget:
    """A competency a program develops, to the level it aims at; ``name`` as the dictionary has it (certificates)."""

    code: str
    target_level: int
    name: str | None = None

    def stored(self) -> dict[str, Any]:
        """As the program keeps it (and its events carry it): ``name`` only when there is one."""
        return {key: value for key, value in dataclasses.asdict(self).items() if value is not None}


@dataclass(frozen=True)
class ProgramDetails:
    """A program as BKPSDM writes it: created, or edited while a draft. ``min_attendance`` None: the default."""

    code: str
    title: str
    form: str
    delivery: str
    jp: int | None  # None: counted from ``quantity`` by the JP conversion table
    partner_code: str
    capacity: int
    competencies: tuple[CompetencyTarget, ...]
    quantity: int | None = None  # the length in the form's unit (days, sessions, …) where it is not counted in JP
    coach_name: str | None = None  # the coach (coaching) or mentor (mentoring): a person
    coach_nip: str | None = None
    min_attendance: float | None = None
    post_test_required: bool = False
    passing_score: float | None = None

    def columns(self) -> dict[str, Any]:
        """The program's columns as these details set them."""
        values = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        return values | {"competencies": [target.stored() for target in self.competencies]}


@dataclass(frozen=True)
class MeetingTimes:
    """When and where a meeting of a batch takes place (local time of the city)."""

    date: dt.date
    starts_at: dt.time
    ends_at: dt.time
    place: str | None = None
    online: bool = False


@dataclass(frozen=True)
class AttendanceRecord:
    """One participant's attendance of one meeting, from any source; ``event_id`` makes it once."""

    event_id: str
    batch_id: str
    nip: str
    meeting_no: int
    status: str
    recorded_at: dt.datetime
    note: str | None = None

    def receipt_body(self, source: str) -> dict[str, Any]:
        """What a receipt's hash covers: a partner's record as it was sent (it has no note); BKPSDM's roster, sheet
        and a check-in without the moment it was taken (the same mark sent again is a duplicate)."""
        body = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # flat: no deep copy (asdict's)
        del body["note" if source == "partner" else "recorded_at"]
        return body


@dataclass(frozen=True)
class RosterMark:
    """BKPSDM's mark of a participant on a meeting's roster; ``event_id`` from the form, so a form sent twice is once."""

    nip: str
    status: str
    note: str | None = None
    event_id: str | None = None
