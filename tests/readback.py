"""What people and other programs read, read back by readers that are not ours: calendars by a second iCalendar
parser, records on Kafka by the CloudEvents SDK's own Kafka binding, and the words of pages and documents checked for
what a person must never see (English on an Indonesian page, raw codes, doubled words)."""

from __future__ import annotations

import re

from cloudevents.core.bindings import kafka as cloudevents_kafka
from ical.calendar import Calendar as IcalCalendar
from ical.calendar_stream import IcsCalendarStream

# English a page in Bahasa Indonesia must not show (whole words; "Status", "Email", "Online" and names of programs
# such as "Workshop" are used in Indonesian too, so they are not here)
ENGLISH = (
    "the",
    "and",
    "with",
    "must",
    "before",
    "after",
    "not",
    "write",
    "needs",
    "role",
    "found",
    "required",
    "submitted",
    "enrolled",
    "withdrawn",
    "completed",
    "pending",
    "failed",
    "discontinue",
    "improve",
    "repeat",
    "insufficient",
    "error",
    "invalid",
    "unknown",
    "missing",
    "please",
    "cannot",
    "should",
    "partner",
    "supervisor",
    "employee",
    "training",
    "attendance",
    "present",
    "absent",
    "excused",
    "date",
    "start",
    "end",
)
ENGLISH_PATTERN = re.compile(r"\b(" + "|".join(ENGLISH) + r")\b", re.IGNORECASE)
# codes a person must not read in place of words: competency codes (M-KOMUNIKASI, T-GIS), OPD and position codes
# (OPD-DINKES, OPD-BPBD-KADIS), machine states and outcomes (not_found, awaiting_evaluation)
CODE_PATTERN = re.compile(r"\b(?:[MTS]-[A-Z][A-Z0-9-]+|OPD-[A-Z][A-Z0-9-]*|[a-z]+_[a-z_]+)\b")
DOUBLED = re.compile(r"\b([A-Za-z]{3,})[ \u00a0]+\1\b", re.IGNORECASE)  # "Dinas Dinas", on one line
DOUBLED_ALLOWED = {"kali"}  # reduplication is Indonesian grammar ("kali-kali" is written with a hyphen anyway)


def unwanted_words(text: str) -> list[str]:
    """English words, raw codes and doubled words in ``text`` (a page's or a document's words), each with a little
    context so that a failure names where."""
    found = []
    for pattern, what in ((ENGLISH_PATTERN, "English"), (CODE_PATTERN, "code"), (DOUBLED, "doubled")):
        for match in pattern.finditer(text):
            if what == "doubled" and match.group(1).lower() in DOUBLED_ALLOWED:
                continue
            start, end = max(0, match.start() - 40), min(len(text), match.end() + 40)
            found.append(f"{what} {match.group(0)!r} in …{' '.join(text[start:end].split())}…")
    return found


def read_calendar(content: bytes) -> IcalCalendar:
    """An iCalendar file as a second parser (``ical``, not the ``icalendar`` that wrote it) reads it; every TZID an
    entry uses has its VTIMEZONE (RFC 5545 §3.2.19)."""
    text = content.decode("utf-8")
    calendar = IcsCalendarStream.calendar_from_ics(text)
    used = set(re.findall(r";TZID=([^:;]+)", text))
    defined = {zone.tz_id for zone in calendar.timezones}
    assert used <= defined, f"TZID without VTIMEZONE: {sorted(used - defined)}"
    return calendar


def read_cloudevent(record):
    """A Kafka record (kafka-python's ConsumerRecord) as the CloudEvents SDK's Kafka binding reads it."""
    message = cloudevents_kafka.KafkaMessage(
        headers={key: value for key, value in record.headers or []}, key=record.key, value=record.value
    )
    return cloudevents_kafka.from_kafka_event(message)
