"""The notifications' pure rules: words in the person's language, mandatory messages, one message per event."""

from __future__ import annotations

import datetime as dt
import string

import pytest

from services.notifications import domain


def test_every_kind_speaks_both_languages_with_the_same_values():
    for kind, (_, indonesian, english) in domain.TEMPLATES.items():
        names = [
            {name for _, name, _, _ in string.Formatter().parse(text) if name}
            for text in (indonesian[0] + indonesian[1], english[0] + english[1])
        ]
        assert names[0] == names[1], kind


def test_a_call_up_in_indonesian_and_in_english():
    values = {"name": "Cut Nyak", "program_title": "Bimtek QGIS", "starts_on": "2027-03-01", "ends_on": None}
    letter = domain.render("enrolled", "id", values | {"link": "https://bangkom/saya"})
    assert letter.subject == "Panggilan pelatihan: Bimtek QGIS"
    assert (
        "Yth. Cut Nyak" in letter.text and "2027-03-01 s.d. -" in letter.text and "https://bangkom/saya" in letter.text
    )
    english = domain.render("enrolled", "en", values)
    assert english.subject == "Call-up: Bimtek QGIS" and "link" not in english.text and "-" in english.text


@pytest.mark.parametrize(
    ("kind", "muted", "sent"),
    [
        ("enrolled", {"enrolled"}, True),  # a call-up cannot be muted
        ("task_created", {"task_created"}, True),  # nor a due evaluation
        ("completed", {"completed"}, False),
        ("completed", set(), True),
        ("withdrawn", {"completed"}, True),
    ],
)
def test_mandatory_messages_cannot_be_muted(kind, muted, sent):
    assert domain.may_send(kind, muted) is sent


def test_one_message_per_event_kind_and_person():
    first = domain.message_id("e-1", "enrolled", "198503122010011003")
    assert first == domain.message_id("e-1", "enrolled", "198503122010011003")
    assert first != domain.message_id("e-2", "enrolled", "198503122010011003")
    assert first != domain.message_id("e-1", "enrolled", "198503122010011004")


@pytest.mark.parametrize(
    ("due_in", "kind"),
    [(10, None), (4, None), (3, "due_soon"), (0, "due_soon"), (-1, "overdue"), (-30, "overdue")],
)
def test_a_task_is_reminded_within_its_last_days_and_once_it_is_overdue(due_in, kind):
    today = dt.date(2027, 5, 10)
    assert domain.reminder(today + dt.timedelta(days=due_in), today, days_before=3) == kind


@pytest.mark.parametrize(
    ("today", "reached"),
    [
        ("2027-06-30", None),
        ("2027-07-01", "mid_year"),
        ("2027-09-30", "mid_year"),
        ("2027-10-01", "q4"),
        ("2027-12-31", "q4"),
        ("2028-01-02", None),
    ],
)
def test_the_jp_checkpoints_of_a_year(today, reached):
    found = domain.checkpoint_reached(dt.date.fromisoformat(today))
    assert (found[0] if found else None) == reached


def test_an_opds_head_is_whoever_reports_outside_it():
    people = [
        ("kepala", "BPBD", "sekda"),  # the head reports to the city secretary, outside the OPD
        ("kabid", "BPBD", "kepala"),
        ("staf", "BPBD", "kabid"),
        ("sendiri", "DISDIK", None),  # nobody above: the head of their OPD
        ("sekda", "SETDA", None),
    ]
    assert domain.unit_heads(people) == {"BPBD": ["kepala"], "DISDIK": ["sendiri"], "SETDA": ["sekda"]}


def test_reminders_and_checkpoints_speak_both_languages():
    values = {"program_title": "Bimtek QGIS", "due_on": "2027-05-12", "task_kind": "behavior"}
    assert domain.render("due_soon", "id", values).subject == "Pengingat: evaluasi Bimtek QGIS paling lambat 2027-05-12"
    assert "The assessment of the participant's project" in domain.render("overdue", "en", values).text
    behind = {"year": 2027, "checkpoint": "q4", "realised": 8, "target": 20, "shortfall": 12}
    assert "Sampai awal triwulan terakhir" in domain.render("jp_behind", "id", behind).text
    assert "By the start of the last quarter" in domain.render("jp_behind", "en", behind).text
    assert {"due_soon", "overdue"} <= domain.MANDATORY and "jp_behind" not in domain.MANDATORY


def test_an_opd_heads_jp_digest_opens_the_opds_own_view():
    assert domain.link_path("jp_digest", "198609262015051001") == "/opd"
    assert domain.link_path("jp_digest", domain.BKPSDM) == "/bkpsdm"
    assert domain.link_path("jp_behind", "198609262015051001") == "/"
