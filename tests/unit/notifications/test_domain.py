"""The notifications' pure rules: words in the person's language, mandatory messages, one message per event."""

from __future__ import annotations

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


def test_retries_back_off_and_are_capped():
    assert [domain.retry_delay(n, 30) for n in (1, 2, 3)] == [30, 60, 120]
    assert domain.retry_delay(30, 30) == 3600
