"""The one rule of the employee number (shared/nip.py): NIP of a PNS, NI PPPK of contract staff."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from shared import messages, nip

TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("198609262015051001", "PNS"),
        ("199204272022212010", "PPPK"),  # 2022, type code 21, female: the number SIMPEG used to be refused for
        ("199511022025242003", "PPPK"),  # PPPK paruh waktu (24)
    ],
)
def test_both_kinds_are_valid_and_told_apart(number, kind):
    assert nip.kind_of(number) == kind
    assert nip.errors(number, TODAY) == [] and nip.errors(number, TODAY, kind=kind) == []


@pytest.mark.parametrize(
    "typed",
    [
        "19850312 201001 1 003",
        "19850312.201001.1.003",
        "19850312-201001-1-003",
        "'198503122010011003",
        " 198503122010011003 ",
        '="198503122010011003"',  # what Bangkom's CSV exports write
    ],
)
def test_what_people_type_and_exports_carry_is_normalised(typed):
    assert nip.normalise(typed) == "198503122010011003"


@pytest.mark.parametrize(
    ("number", "kind", "fragment"),
    [
        ("١٩٩٢٠٤٢٧٢٠٢٢٢١٢٠١٠", None, "digits 0-9"),  # Arabic-Indic digits: 18 "digits", not ours
        ("203001012022212001", None, "birth date in NIP digits 1-8 (2030-01-01) is in the future"),
        ("201001012022212001", None, "before the age of 18"),  # appointed at 12
        ("199204272022222010", "PPPK", "not a PPPK type code (21, 24)"),
        ("199204272031212010", "PPPK", "not a possible year of appointment"),
        ("199204272022212010", "PNS", "not a valid appointment month"),  # an NI PPPK given for a PNS
        ("199204272005011001", None, "before the age of 18"),  # a PNS appointed at 12
    ],
)
def test_each_refusal_names_the_digits_in_english_and_has_its_indonesian(number, kind, fragment):
    """One language at a time: the message is written in English and the catalogue gives callers its Indonesian
    (first), with the same digits in it; never both languages in one sentence."""
    found = nip.errors(number, TODAY, kind=kind)
    assert any(fragment in message for message in found), found
    catalogue = messages.Catalogue(messages.COMMON)
    for message in found:
        indonesian = catalogue.indonesian(message)
        assert indonesian and indonesian != message, message
        assert set(re.findall(r"\d+", message)) == set(re.findall(r"\d+", indonesian)), (message, indonesian)


def test_the_type_codes_and_the_minimum_age_are_configuration():
    assert nip.errors("199204272022312010", TODAY, kind="PPPK", pppk_codes=("31",)) == []
    assert nip.errors("200601012022212001", TODAY, min_age=16) == []
    assert nip.errors("200601012022212001", TODAY, min_age=18) != []
