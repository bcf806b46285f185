"""marshmallow fields with the edge rules every service applies to what callers send.

Every schema imports ``fields`` from here instead of from marshmallow (a unit test keeps it so).
The classes keep marshmallow's names and add what PostgreSQL, the exports and the rules need:

- ``Integer``: a whole number (``2.5`` and ``true`` are refused, not rounded or counted as 1) within a
  32-bit column;
- ``String``: no control characters (NUL cannot be stored in PostgreSQL text; the others break the
  XLSX exports and the logs), tab and line breaks excepted;
- ``Date`` and ``DateTime``: within the configured window (``DATE_EARLIEST``/``DATE_LATEST``); a
  date-time carries its time zone and is held in UTC.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, validate
from marshmallow.fields import *  # noqa: F403 - the other fields, unchanged
from marshmallow.fields import AwareDateTime as _AwareDateTime
from marshmallow.fields import Date as _Date
from marshmallow.fields import DateTime as _DateTime
from marshmallow.fields import Integer as _Integer
from marshmallow.fields import List, Nested
from marshmallow.fields import NaiveDateTime as _NaiveDateTime
from marshmallow.fields import String as _String

INT32 = (-(2**31), 2**31 - 1)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Window:
    """The dates callers may send; set once from the settings at start-up (``configure``)."""

    earliest = dt.date(1900, 1, 1)
    latest = dt.date(2099, 12, 31)


def configure(earliest: dt.date, latest: dt.date) -> None:
    Window.earliest, Window.latest = earliest, latest


def _outside_window(day: dt.date) -> str | None:
    if Window.earliest <= day <= Window.latest:
        return None
    return f"Use a date between {Window.earliest.isoformat()} and {Window.latest.isoformat()}."


def refuse_control_characters(value: str) -> None:
    found = CONTROL.search(value)
    if found:
        raise ValidationError(
            f"Contains the control character U+{ord(found.group()):04X} at position {found.start() + 1}; "
            "remove it (tab and line breaks are allowed)."
        )


class Integer(_Integer):
    default_error_messages = {"whole": "Must be a whole number, not {input!r}."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators.insert(0, validate.Range(min=INT32[0], max=INT32[1]))

    def _validated(self, value: Any) -> int:
        fractional = isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral) and value % 1 != 0
        if isinstance(value, bool) or fractional or value != value:  # value != value: NaN
            raise self.make_error("whole", input=value)
        return super()._validated(value)


Int = Integer


class String(_String):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators.insert(0, refuse_control_characters)


Str = String


class _InWindow:
    """Dates and date-times within the window; aware date-times converted to UTC (which can overflow)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if isinstance(moment, dt.datetime) and moment.tzinfo is not None:
            try:
                moment = moment.astimezone(dt.UTC)
            except OverflowError:
                raise ValidationError(_outside_window(dt.date.max) or "") from None
        message = _outside_window(moment.date() if isinstance(moment, dt.datetime) else moment)
        if message:
            raise ValidationError(message)
        return moment


class Date(_InWindow, _Date):
    pass


class DateTime(_InWindow, _DateTime):
    pass


class AwareDateTime(_InWindow, _AwareDateTime):
    pass


class NaiveDateTime(_InWindow, _NaiveDateTime):
    pass


class Language:
    """How a sentence the service wrote reaches its reader: in the caller's language (``shared.web`` sets it to the
    request's ``Accept-Language``, Indonesian first); unchanged outside a request."""

    translate: Callable[[str], str] = staticmethod(lambda text: text)


class Message(String):
    """A sentence for a person in an answer that is not a problem (an import's rows, its warnings, a run's error):
    written in English where its rule is, given in the caller's language on the way out, like a problem's detail."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        text = super()._serialize(value, attr, obj, **kwargs)
        return Language.translate(text) if text else text


class FieldErrorSchema(Schema):
    field = String(metadata={"description": "The field (or spreadsheet column) the problem is about"})
    message = Message(metadata={"description": "The reason, in the caller's language"})


def FieldErrors(**kwargs: Any) -> List:  # noqa: N802 - used like a field class
    """The problems of one row or record: ``[{"field", "message"}]``, each message in the caller's language."""
    return List(Nested(FieldErrorSchema), **kwargs)


class ActivityLength(Schema):
    """How long a development activity is, the one way every schema asks it: its ``jp`` (a form counted in JP) or its
    ``quantity`` in the form's unit (days, sessions, minutes, semesters), which the JP conversion table turns into JP
    (``shared/forms.py``; the handler counts it)."""

    jp = Integer(
        load_default=None,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "For a form counted in JP; else counted from quantity (GET /api/v1/needs/forms)"},
    )
    quantity = Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=100000),
        metadata={"description": "The length in the form's unit (days, sessions, minutes, semesters), made JP"},
    )
