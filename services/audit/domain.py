"""What an audit entry says about an event, and what changed between two of them: pure rules, no Flask, Kafka or SQL.

An event names its objects in its data (``nip``, ``batch_id``, ``task_id``, a ``code``…) and, for a ``ChangeMade``, in
the path called; each becomes ``<field>:<value>`` and plain ``<value>``, so an auditor finds an object by its id alone.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

CHANGE_MADE = "ChangeMade"
ACTOR_KINDS = ("person", "partner", "system")
# fields of an event's data that name an object (their values are ids, NIPs, codes), searched as objects
_OBJECT_FIELD = re.compile(r"^(nip|code|.*_nip|.*_id|.*_code|certificate_number|number)$")
_ID_SEGMENT = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._:-]{2,}$")
_MAX_OBJECT = 300


def action_of(name: str, data: dict[str, Any]) -> str:
    """What was done: the operation of a ``ChangeMade`` (method and route), otherwise the event's name."""
    if name == CHANGE_MADE:
        return f"{data.get('method', '')} {data.get('route', '')}".strip()
    return name


def objects_of(name: str, data: dict[str, Any], subject: str) -> set[str]:
    """Every object the event names: ``field:value`` and ``value`` for each id-like field of its data (one level of
    nested records too), the record key, and the path's segments of a ``ChangeMade`` that are no route words."""
    found: set[str] = set()

    def add(field: str, value: Any) -> None:
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            text = str(value).strip()
            found.update({f"{field}:{text}"[:_MAX_OBJECT], text[:_MAX_OBJECT]})

    for field, value in data.items():
        if _OBJECT_FIELD.match(field):
            add(field, value)
        elif isinstance(value, list):
            for item in value:
                for inner, inner_value in item.items() if isinstance(item, dict) else ():
                    if _OBJECT_FIELD.match(inner):
                        add(inner, inner_value)
    if subject:
        found.add(subject[:_MAX_OBJECT])
    if name == CHANGE_MADE:
        route = str(data.get("route", "")).split("/")
        for position, segment in enumerate(str(data.get("path", "")).split("/")):
            if position < len(route) and route[position].startswith("<") and _ID_SEGMENT.match(segment):
                add(route[position].strip("<>").split(":")[-1], segment)
    return found


def actor_matches(wanted: str) -> list[tuple[str, str]]:
    """How a search by person matches ``actor``, any of (exact, prefix) — a whole actor (``person:bkpsdm.admin``), a
    person by their user name or NIP, a partner by its code (every key of it), or a kind (``system``)."""
    wanted = wanted.strip()
    if any(wanted.startswith(f"{kind}:") for kind in ACTOR_KINDS):
        return [(wanted, f"{wanted}/")]
    if wanted in ACTOR_KINDS:
        return [("", f"{wanted}:")]
    return [(f"person:{wanted}", ""), ("", f"partner:{wanted}/"), (f"system:{wanted}", f"system:{wanted}/")]


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Field by field, what an event about an object says against the one before it about the same object (the same
    event name and key): every field of either, with ``changed`` where they differ. Without one before: all new."""
    before = before or {}
    return [
        {
            "field": field,
            "before": before.get(field),
            "after": after.get(field),
            "changed": before.get(field) != after.get(field),
        }
        for field in sorted(set(before) | set(after))
    ]


# an export's columns: (key of an entry, the header people read)
EXPORT_COLUMNS = (
    ("occurred_at", "Waktu (UTC)"),
    ("actor", "Pelaku"),
    ("action", "Tindakan"),
    ("service", "Layanan"),
    ("name", "Peristiwa"),
    ("subject", "Objek"),
    ("request_id", "ID Permintaan"),
    ("id", "ID Entri"),
    ("data", "Data (JSON)"),
)


def day_bounds(
    since: dt.date | None, until: dt.date | None, zone: str
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """A search's days, both included, as moments: from the first day's midnight to the midnight after the last, where
    the instansi works (its time zone), not in UTC."""
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(since, dt.time(), tz) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tz) if until else None
    return start, end
