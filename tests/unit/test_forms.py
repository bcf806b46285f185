"""The forms of development and the JP conversion table: every form of Perlan LAN 10/2018 is in the default table,
and each one's JP is counted by it (a form counted in JP takes the JP given; any other converts its length)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared import forms
from shared.errors import Invalid

TABLE = forms.load()
# form → (a length in its unit, the JP the default table gives it); the JP-counted forms take the JP as given
EXPECTED = {
    "tugas_belajar": (2, 40),  # two semesters
    "izin_belajar": (1, 20),
    "seminar": (2, 8),  # two days
    "workshop": (3, 15),
    "sosialisasi": (1, 3),
    "coaching": (4, 8),  # four sessions
    "mentoring": (3, 6),
    "magang": (5, 30),  # five working days
    "detasering": (20, 120),
    "rotasi_jabatan": (10, 20),
    "pertukaran": (5, 30),
    "benchmarking": (2, 10),
    "outbound": (1, 6),
    "belajar_mandiri": (270, 3),  # minutes: 90 minutes a JP
    "komunitas_belajar": (6, 12),
    "on_the_job": (5, 20),
}
COUNTED_IN_JP = (
    "pelatihan",
    "kursus",
    "penataran",
    "bimtek",
    "e-learning",
    "pembelajaran_jarak_jauh",
    "latsar_cpns",
    "pkp",
    "pka",
    "pkn",
)


def test_the_default_table_holds_every_form_of_the_regulation_with_its_source():
    assert set(TABLE.forms) == set(forms.FORMS) == set(EXPECTED) | set(COUNTED_IN_JP)
    assert TABLE.version and "Belum diverifikasi" in TABLE.source
    assert set(forms.KINDS) == {"pendidikan", "klasikal", "nonklasikal", "kepemimpinan"}
    assert forms.KIND_OF["pkn"] == "kepemimpinan" and forms.KIND_OF["magang"] == "nonklasikal"


@pytest.mark.parametrize("form", sorted(EXPECTED))
def test_a_form_counted_by_its_length_converts_it(form):
    quantity, jp = EXPECTED[form]
    assert forms.jp_of(TABLE, form, quantity, None) == jp
    assert forms.jp_of(TABLE, form, quantity, jp) == jp, "the JP given may agree"
    with pytest.raises(forms.NotCounted) as missing:
        forms.jp_of(TABLE, form, None, jp)
    assert (missing.value.field, missing.value.why) == ("quantity", "missing")
    with pytest.raises(forms.NotCounted) as disagrees:
        forms.jp_of(TABLE, form, quantity, jp + 1)
    assert (disagrees.value.field, disagrees.value.counted) == ("jp", jp)


@pytest.mark.parametrize("form", COUNTED_IN_JP)
def test_a_form_counted_in_jp_takes_the_jp_given(form):
    assert forms.jp_of(TABLE, form, None, 32) == 32
    with pytest.raises(forms.NotCounted):
        forms.jp_of(TABLE, form, 4, None)


def test_what_cannot_be_counted_is_a_422_naming_the_field_and_the_rule():
    with pytest.raises(Invalid) as short:
        forms.counted_jp(TABLE, "belajar_mandiri", 30, None)
    assert short.value.errors == [{"field": "quantity", "message": "Too short to count a JP (90 menit = 1 JP)."}]
    with pytest.raises(Invalid) as wrong:
        forms.counted_jp(TABLE, "magang", 2, 16)
    assert wrong.value.errors[0]["field"] == "jp" and "12 JP" in wrong.value.detail


def test_the_levels_and_evidence_of_each_form():
    assert TABLE.of("seminar").levels == ("reaction",)
    assert TABLE.of("magang").levels == ("reaction", "behavior") and TABLE.of("magang").evidence == "report"
    assert TABLE.of("workshop").evidence == "product" and TABLE.of("pelatihan").levels == forms.LEVELS
    assert forms.GUIDED == ("coaching", "mentoring")


def test_a_table_of_an_agency_replaces_the_default_and_a_wrong_one_names_every_problem(tmp_path):
    raw = json.loads(forms.DEFAULT_TABLE.read_text())
    raw["version"], raw["forms"]["magang"] = "Perwal 2027", {"unit": "day", "jp": 8, "evidence": "report"}
    own = tmp_path / "konversi.json"
    own.write_text(json.dumps(raw))
    assert forms.jp_of(forms.load(own), "magang", 5, None) == 40
    del raw["forms"]["seminar"]
    raw["forms"]["kursus"] = {"unit": "week"}
    raw["forms"]["webinar"] = {"unit": "jp"}
    raw["forms"]["coaching"] = {"unit": "session", "jp": 0, "levels": ["behavior"]}
    own.write_text(json.dumps(raw))
    with pytest.raises(ValueError) as problems:
        forms.load(own)
    text = str(problems.value)
    for named in (
        "seminar: missing",
        "kursus: unit 'week'",
        "webinar: not a form",
        "coaching: jp and per",
        "reaction always",
    ):
        assert named in text, named


def test_the_jp_year_is_the_calendar_year_or_a_pppks_contract_year_from_the_tmt():
    assert forms.jp_year(dt.date(2027, 2, 15)) == 2027
    april = dt.date(2024, 4, 1)
    assert forms.jp_year(dt.date(2027, 3, 31), april) == 2026  # the contract year 1 April 2026 – 31 March 2027
    assert forms.jp_year(dt.date(2027, 4, 1), april) == 2027
    assert forms.jp_year(dt.date(2026, 12, 31), dt.date(2024, 1, 1)) == 2026  # from 1 January: the calendar's
    leap = dt.date(2024, 2, 29)
    assert forms.jp_year(dt.date(2027, 2, 28), leap) == 2026 and forms.jp_year(dt.date(2027, 3, 1), leap) == 2027
