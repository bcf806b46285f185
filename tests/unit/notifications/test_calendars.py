"""The calendars as another program reads them: a second iCalendar parser (``ical``), and every TZID defined."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from services.notifications.calendars import DueEntry, MeetingEntry, calendar
from shared import instansi
from tests.readback import read_calendar


def test_a_calendar_defines_the_time_zone_its_meetings_use_and_reads_back_in_a_second_parser():
    meeting = MeetingEntry("b1", 2, "Bimtek QGIS", 1, dt.date(2027, 3, 2), dt.time(8), dt.time(12), "Aula", False)
    due = DueEntry("t1", "Bimtek QGIS", "Umpan balik", dt.date(2027, 3, 10))
    demo = instansi.configured("")  # the demo's instansi: WIB
    content = calendar("Bangkom", [meeting], [due], demo, "https://bangkom.example", dt.datetime.now(dt.UTC))
    assert b"BEGIN:VTIMEZONE" in content and b"TZID:Asia/Jakarta" in content  # RFC 5545 §3.2.19
    parsed = read_calendar(content)
    [timed, whole_day] = sorted(parsed.events, key=lambda e: str(e.dtstart))
    assert timed.dtstart == dt.datetime(2027, 3, 2, 8, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert timed.dtstart.utcoffset() == dt.timedelta(hours=7)  # WIB
    assert whole_day.dtstart == dt.date(2027, 3, 10)
