"""The needs rules, without I/O: NIP, gap, priority, job-person match, current level, plan forms."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.needs import domain
from shared import sheets

TODAY = dt.date(2026, 11, 28)
levels = st.integers(min_value=0, max_value=5)
weights = st.floats(min_value=0, max_value=1, allow_nan=False)
jp = st.integers(min_value=0, max_value=200)


# --- NIP ------------------------------------------------------------------------------------------


def test_a_valid_nip_has_no_errors():
    assert domain.nip_errors("198609262015051001", TODAY) == []
    assert domain.nip_errors("197501012000032002", TODAY) == []


@pytest.mark.parametrize(
    ("nip", "fragment"),
    [
        ("19860926201505100", "exactly 18 digits"),
        ("1986092620150510011", "exactly 18 digits"),
        ("19860926201505100a", "exactly 18 digits"),
        ("198602302015051001", "not a real birth date"),
        ("198609262015131001", "not a valid appointment month"),
        ("198609261985051001", "after the birth date"),
        ("198609262030051001", "in the future"),
        ("198609262015053001", "digit 15 (sex)"),
    ],
)
def test_invalid_nips_say_why(nip, fragment):
    errors = domain.nip_errors(nip, TODAY)
    assert any(fragment in e for e in errors), errors


@given(
    st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2000, 12, 31)),
    st.integers(18, 25),
    st.integers(1, 12),
    st.sampled_from("12"),
    st.integers(0, 999),
)
def test_every_well_formed_nip_is_valid(born, age, month, sex, serial):
    nip = f"{born:%Y%m%d}{born.year + age}{month:02d}{sex}{serial:03d}"
    assert domain.nip_errors(nip, TODAY) == []


# --- gap, shortfall, priority ---------------------------------------------------------------------


@given(levels, levels)
def test_a_gap_is_never_negative_and_zero_once_the_standard_is_met(required, current):
    gap = domain.gap(required, current)
    assert gap >= 0
    assert (gap == 0) == (current >= required)


@given(jp, st.sampled_from([0, 20]))
def test_jp_shortfall_is_never_negative(realised, target):
    shortfall = domain.jp_shortfall(realised, target)
    assert 0 <= shortfall <= target


@given(levels, levels, levels, weights, jp)
def test_raising_a_current_level_never_raises_the_priority(required, current, higher, weight, realised):
    higher = max(current, higher)
    shortfall = domain.jp_shortfall(realised, 20)
    before = domain.priority_score(domain.gap(required, current), weight, shortfall, 20)
    after = domain.priority_score(domain.gap(required, higher), weight, shortfall, 20)
    assert after <= before


@given(levels, levels, weights, weights, jp, jp)
def test_priority_grows_with_strategic_weight_and_jp_shortfall(required, current, w1, w2, jp1, jp2):
    gap = domain.gap(required, current)
    low_w, high_w = sorted((w1, w2))
    more_behind, less_behind = sorted((jp1, jp2))  # fewer realised JP = a larger shortfall
    s_more, s_less = domain.jp_shortfall(more_behind, 20), domain.jp_shortfall(less_behind, 20)
    assert domain.priority_score(gap, low_w, s_less, 20) <= domain.priority_score(gap, high_w, s_less, 20)
    assert domain.priority_score(gap, low_w, s_less, 20) <= domain.priority_score(gap, low_w, s_more, 20)


@given(levels, weights, jp)
def test_no_gap_means_no_priority(level, weight, realised):
    assert domain.priority_score(domain.gap(level, level), weight, domain.jp_shortfall(realised, 20), 20) == 0


def test_priority_example_from_the_docs():
    # gap 2, strategic weight 0.5, 10 JP realised of 20: 2 × 1.5 × 1.5
    assert domain.priority_score(2, 0.5, domain.jp_shortfall(10, 20), 20) == pytest.approx(4.5)


# --- job-person match -----------------------------------------------------------------------------


@given(st.lists(st.tuples(st.integers(1, 5), levels), min_size=1, max_size=30))
def test_job_person_match_is_a_percentage_and_100_only_when_every_standard_is_met(pairs):
    match = domain.job_person_match(pairs)
    assert 0 <= match <= 100
    assert (match == 100) == all(current >= required for required, current in pairs)


def test_job_person_match_example():
    assert domain.job_person_match([(3, 1), (2, 2), (1, 5)]) == pytest.approx(66.7)
    assert domain.job_person_match([]) is None


# --- current level --------------------------------------------------------------------------------


def _assessment(level, source, day, minute=0):
    return domain.Assessment(level, source, dt.date(2026, 1, day), dt.datetime(2026, 1, day, 0, minute, tzinfo=dt.UTC))


def test_source_precedence_then_recency():
    assert domain.current_level([]) is None
    self_new = _assessment(5, "self", 20)
    supervisor_old = _assessment(2, "supervisor", 1)
    assert domain.current_level([self_new, supervisor_old]) == 2, "a supervisor outranks a self-assessment"
    centre = _assessment(3, "assessment_centre", 2)
    post_training_newer = _assessment(4, "post_training", 10)
    assert domain.current_level([supervisor_old, centre]) == 3
    assert domain.current_level([centre, post_training_newer]) == 4, "the newer evidence-based result wins"
    same_day_later = _assessment(1, "post_training", 10, minute=5)
    assert domain.current_level([post_training_newer, same_day_later]) == 1, "same day: the later record"


def test_a_weaker_source_never_overrides_a_stronger_recent_one_and_self_never_counts():
    only_self = _assessment(4, "self", 20)
    assert domain.current_level([only_self]) is None, "a self-assessment alone leaves the competency unassessed"
    certificate_new = _assessment(4, "certificate", 25)
    supervisor = _assessment(2, "supervisor", 3)
    assert domain.current_level([supervisor, certificate_new]) == 2, "a claim never overrides a supervisor"
    competency_test = _assessment(3, "competency_test", 2)
    assert domain.current_level([supervisor, competency_test]) == 3, "a competency test outranks a supervisor"
    since = dt.date(2026, 1, 5)  # the competency test (day 2) is no longer recent
    fresh_supervisor = _assessment(2, "supervisor", 6)
    assert domain.current_level([competency_test, fresh_supervisor], since) == 2, "an old result gives way"
    assert domain.current_level([competency_test, only_self], since) == 3, "…but never to a self-assessment"


def test_valid_since_counts_back_whole_years():
    assert domain.valid_since(dt.date(2026, 12, 5), 3) == dt.date(2023, 12, 5)
    assert domain.valid_since(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)


@given(
    st.lists(st.tuples(st.integers(1, 5), st.sampled_from(domain.SOURCES), st.integers(1, 28)), min_size=1),
    st.one_of(st.none(), st.integers(1, 28)),
)
def test_the_current_level_comes_from_the_best_ranked_recent_source(raw, since_day):
    assessments = [_assessment(level, source, day, minute=i % 60) for i, (level, source, day) in enumerate(raw)]
    since = None if since_day is None else dt.date(2026, 1, since_day)
    counted = [a for a in assessments if a.source in domain.COUNTED_SOURCES]
    if not counted:
        assert domain.current_level(assessments, since) is None
        return
    recent = [a for a in counted if since is None or a.assessed_on >= since] or counted
    best_rank = min(domain.SOURCE_RANK[a.source] for a in recent)
    candidates = [a for a in recent if domain.SOURCE_RANK[a.source] == best_rank]
    assert domain.current_level(assessments, since) in {a.level for a in candidates}


# --- standards, plan, employees -------------------------------------------------------------------


def test_effective_standard_overrides_and_removes():
    default = {"M-INTEGRITAS": 2, "M-KOMUNIKASI": 2}
    assert domain.effective_standard(default, {"M-KOMUNIKASI": 3, "M-INTEGRITAS": 0, "T-GIS": 4}) == {
        "M-KOMUNIKASI": 3,
        "T-GIS": 4,
    }


@given(st.sampled_from(domain.GROUPS), st.integers(1, 5))
def test_every_gap_has_a_suggested_form(group, gap):
    form, jp_per_person = domain.suggested_form(group, gap)
    assert form and jp_per_person > 0


def test_days_left():
    assert domain.days_left(2026, dt.date(2026, 12, 31)) == 0
    assert domain.days_left(2026, dt.date(2026, 11, 28)) == 33
    assert domain.days_left(2025, dt.date(2026, 1, 5)) == 0


def test_employee_changes():
    current = {f: None for f in domain.EMPLOYEE_FIELDS} | {"name": "A", "employment_status": "PNS", "active": True}
    assert domain.employee_changes(current, {"name": "A", "employment_status": "PNS"}) == {}
    assert domain.employee_changes(current, {"name": "B"}) == {"name": "B"}
    assert set(domain.employee_changes(None, {"name": "A"})) == set(domain.EMPLOYEE_FIELDS)


RULES = {"PNS": (20, 0), "PPPK": (0, 24)}


def test_jp_target_and_cap_by_employment_kind():
    assert domain.jp_target("PNS", RULES) == 20
    assert domain.jp_target("PPPK", RULES) == 0
    assert domain.jp_target("PPPK", {**RULES, "PPPK": (20, 24)}) == 20
    assert domain.jp_rule("PNS", "pelaksana", RULES) == domain.JpRule(20, None)
    assert domain.jp_rule("PPPK", "fungsional", RULES) == domain.JpRule(0, 24)
    assert domain.jp_rule("PPPK", "jpt", RULES).cap is None  # PP 49/2018 art. 40: JPT excepted
    assert domain.priority_scale(RULES) == 20
    assert domain.priority_scale({"PNS": (0, 0)}) == 1


def test_an_enrolment_past_the_cap_is_measured():
    assert domain.jp_over_cap(None, 100, 0, 40) == 0
    assert domain.jp_over_cap(24, 12, 0, 12) == 0
    assert domain.jp_over_cap(24, 12, 8, 12) == 8


def test_a_certificate_file_is_judged_by_its_content():
    assert domain.certificate_type(b"%PDF-1.7\n...") == "application/pdf"
    assert domain.certificate_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert domain.certificate_type(b"\xff\xd8\xff\xe0....") == "image/jpeg"
    assert domain.certificate_type(b"MZ\x90\x00 an executable named sertifikat.pdf") is None


def test_a_claim_of_outside_development_is_checked():
    today = dt.date(2027, 6, 1)
    assert domain.external_problems(dt.date(2027, 5, 1), dt.date(2027, 5, 3), 12, today) == {}
    assert set(domain.external_problems(dt.date(2027, 5, 3), dt.date(2027, 5, 1), 12, today)) == {"ends_on"}
    assert set(domain.external_problems(dt.date(2027, 6, 1), dt.date(2027, 6, 9), 12, today)) == {"ends_on"}
    assert set(domain.external_problems(dt.date(2027, 5, 1), dt.date(2027, 5, 3), 0, today)) == {"jp"}


def test_exports_survive_control_characters_stored_before_the_edge_refused_them():
    """A name from SIMPEG (or from before the edge) with a control character: XLSX refused it (openpyxl
    IllegalCharacterError), CSV did not. Both carry the readable rest."""
    import io

    from openpyxl import load_workbook

    rows = [{"nip": "198609262015051001", "name": "Budi\x01 Santoso\x00"}]
    columns = [("nip", "NIP"), ("name", "Nama")]
    sheet = load_workbook(io.BytesIO(sheets.render(rows, columns, "xlsx", "Uji"))).active
    assert [cell.value for cell in sheet[2]] == ["198609262015051001", "Budi Santoso"]
    assert "Budi" in sheets.render(rows, columns, "csv", "Uji").decode("utf-8-sig")


# --- proposals (usulan) -------------------------------------------------------------------------------
