"""Calendars (iCalendar, RFC 5545) of a person or a batch: the meetings and the evaluation due dates.

Rendering only (the ``icalendar`` library): the handlers pass in what a calendar shows. Every entry has a stable UID
(the batch and meeting, the task), so a calendar application that subscribed updates a moved meeting instead of
adding a second one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Calendar, Event

from shared.instansi import Instansi


@dataclass(frozen=True)
class MeetingEntry:
    batch_id: str
    meeting_no: int
    program_title: str
    batch_number: int
    date: dt.date
    starts_at: dt.time
    ends_at: dt.time
    place: str | None
    online: bool


@dataclass(frozen=True)
class DueEntry:
    task_id: str
    program_title: str
    what: str  # the task in words
    due_on: dt.date


def calendar(
    name: str,
    meetings: Iterable[MeetingEntry],
    due: Iterable[DueEntry],
    instansi: Instansi,
    link: str,
    stamp: dt.datetime,
) -> bytes:
    """The calendar ``name``: each meeting at its time in the instansi's zone, each due date as a whole day; the
    entries' ids in the instansi's domain (two instansi never share one)."""
    zone, domain = instansi.zone, f"bangkom.{instansi.mail_domain}"
    cal = Calendar()
    cal.add("prodid", f"-//{instansi.agency_short}//Bangkom//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", instansi.time_zone)
    for m in meetings:
        entry = Event()
        entry.add("uid", f"meeting-{m.batch_id}-{m.meeting_no}@{domain}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", dt.datetime.combine(m.date, m.starts_at, tzinfo=zone))
        entry.add("dtend", dt.datetime.combine(m.date, m.ends_at, tzinfo=zone))
        entry.add("summary", f"{m.program_title} · angkatan {m.batch_number} · pertemuan {m.meeting_no}")
        place = m.place or ("Daring" if m.online else None)
        if place:
            entry.add("location", place + (" (daring)" if m.online and m.place else ""))
        entry.add("url", link)
        cal.add_component(entry)
    for d in due:
        entry = Event()
        entry.add("uid", f"task-{d.task_id}@{domain}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", d.due_on)
        entry.add("dtend", d.due_on + dt.timedelta(days=1))
        entry.add("summary", f"Batas evaluasi: {d.what} · {d.program_title}")
        entry.add("url", link)
        cal.add_component(entry)
    cal.add_missing_timezones()  # a VTIMEZONE for each TZID the entries use (RFC 5545 §3.2.19)
    return cal.to_ical()
