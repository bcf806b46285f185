"""The effectiveness figures against hand-computed examples, and the recommendation rule at its boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from services.evaluation import domain


def test_three_tasks_with_their_dates():
    plans = domain.plan_tasks(dt.date(2026, 12, 4), domain.Schedule())
    assert [(p.kind, p.opens_on, p.due_on) for p in plans] == [
        ("reaction", dt.date(2026, 12, 4), dt.date(2026, 12, 11)),
        ("learning", dt.date(2026, 12, 4), dt.date(2026, 12, 18)),
        ("behavior", dt.date(2027, 3, 4), dt.date(2027, 4, 1)),
    ]


def test_reaction_mean_and_distribution():
    result = domain.reaction(
        [
            {"content": 5, "trainer": 4, "relevance": 4, "organisation": 3},
            {"content": 4, "trainer": 4, "relevance": 5, "organisation": 2},
        ]
    )
    assert result.mean == 3.88  # 31 / 8 = 3.875, rounded to 2 places
    assert result.distribution == {1: 0, 2: 1, 3: 1, 4: 4, 5: 2}
    assert result.responses == 2
    assert domain.reaction([]).mean is None


def test_learning_gain_normalised_gain_and_a_significant_wilcoxon_test():
    scores = [(40, 70), (50, 65), (60, 80), (55, 60), (30, 62), (45, 75), (70, 72), (None, 90)]
    result = domain.learning(scores)
    assert result.pairs == 7, "a participant without a pre-test is left out of the paired figures"
    assert result.mean_pre == pytest.approx(50.0)
    assert result.mean_post == pytest.approx(69.14, abs=0.01)
    assert result.mean_gain == pytest.approx(19.14, abs=0.01)  # (30+15+20+5+32+30+2)/7
    # Hake: mean of gain/(100-pre) = (0.5 + 0.3 + 0.5 + 0.1111 + 0.4571 + 0.5455 + 0.0667) / 7
    assert result.normalised_gain == pytest.approx(0.354, abs=0.001)
    # all 7 differences positive: the exact one-sided signed-rank p is 1/2^7
    assert result.p_value == pytest.approx(1 / 128, abs=1e-6)
    assert result.significant


def test_learning_without_enough_pairs_is_not_tested():
    result = domain.learning([(40, 70), (50, 65), (60, 80), (55, 60)])
    assert result.p_value is None and not result.significant and result.mean_gain == pytest.approx(17.5)  # 70 / 4


def test_five_pairs_are_enough_for_the_exact_test():
    """All five gains positive: the exact one-sided signed-rank p is 1/2^5, significant at 0.05."""
    result = domain.learning([(40, 70), (50, 65), (60, 80), (55, 60), (30, 62)])
    assert result.p_value == pytest.approx(1 / 32, abs=1e-6) and result.significant


def test_learning_with_mixed_results_is_not_significant():
    result = domain.learning([(60, 55), (50, 65), (60, 58), (55, 60), (70, 62), (45, 50), (80, 79)])
    assert result.p_value > 0.05 and not result.significant


def test_behavior_pass_rate():
    targets = {"T-GIS": 3, "M-KOMUNIKASI": 2}
    rubrics = [{"T-GIS": 3, "M-KOMUNIKASI": 2}, {"T-GIS": 4, "M-KOMUNIKASI": 1}, {"T-GIS": 5, "M-KOMUNIKASI": 3}]
    assert domain.behavior_pass_rate(rubrics, targets) == pytest.approx(0.667)
    assert domain.behavior_pass_rate([], targets) is None


def test_rubric_must_name_only_target_competencies_once():
    errors = domain.rubric_errors(
        [{"competency_code": "T-GIS"}, {"competency_code": "T-LAIN"}, {"competency_code": "T-GIS"}], {"T-GIS": 3}
    )
    assert [i for i, _ in errors] == [1, 2]


SIGNIFICANT = domain.Learning(10, 50, 70, 20, 0.4, 0.01, True)
NOT_SIGNIFICANT = domain.Learning(10, 50, 55, 5, 0.1, 0.2, False)
NO_GAIN = domain.Learning(10, 60, 58, -2, -0.05, 0.8, False)
UNTESTED = domain.Learning(3, 50, 70, 20, 0.4, None, False)


@pytest.mark.parametrize(
    ("reaction", "learning", "pass_rate", "expected"),
    [
        (4.0, SIGNIFICANT, 0.7, "repeat"),  # every repeat boundary exactly met
        (3.99, SIGNIFICANT, 0.7, "improve"),
        (4.0, SIGNIFICANT, 0.69, "improve"),
        (4.5, NOT_SIGNIFICANT, 0.9, "improve"),
        (4.5, UNTESTED, 0.9, "improve"),  # missing evidence never repeats
        (4.5, SIGNIFICANT, None, "improve"),
        (3.0, NOT_SIGNIFICANT, 0.4, "improve"),  # every discontinue boundary just avoided
        (2.99, SIGNIFICANT, 0.9, "discontinue"),
        (4.5, SIGNIFICANT, 0.39, "discontinue"),
        (4.5, NO_GAIN, 0.9, "discontinue"),
        (None, UNTESTED, None, "improve"),
    ],
)
def test_recommendation_rule_boundaries(reaction, learning, pass_rate, expected):
    assert domain.recommend(reaction, learning, pass_rate) == expected


@pytest.mark.parametrize(
    ("assessed", "pass_rate", "expected"),
    [
        (1, 0.0, "improve"),
        (2, 0.0, "improve"),
        (3, 0.0, "discontinue"),
        (3, 0.667, "improve"),
        (None, 0.0, "discontinue"),
    ],
)
def test_too_few_project_assessments_are_no_evidence(assessed, pass_rate, expected):
    """One failing project among three participants (the others not yet assessed) is not a program to stop."""
    assert domain.recommend(4.5, SIGNIFICANT, pass_rate, behavior_assessed=assessed, min_behavior=3) == expected


def test_top_themes():
    chosen = [["materi", "waktu"], ["waktu"], ["fasilitas", "waktu", "materi"], []]
    assert domain.top_themes(chosen, limit=2) == [("waktu", 3), ("materi", 2)]


@pytest.mark.parametrize(
    ("responses", "expected"),
    [(1 / 28, "insufficient_data"), (0.499, "insufficient_data"), (0.5, "repeat"), (None, "repeat")],
)
def test_no_recommendation_below_the_minimum_response_rate(responses, expected):
    """28 participants, 1 questionnaire answered: that is not a program that works, it is no data."""
    assert domain.recommend(4.5, SIGNIFICANT, 0.9, responses, min_responses=0.5) == expected


def test_due_dates_count_from_when_the_tasks_are_created():
    last_meeting, closed_late = dt.date(2026, 3, 2), dt.date(2026, 3, 10)
    plans = {p.kind: p for p in domain.plan_tasks(last_meeting, domain.Schedule(), created_on=closed_late)}
    assert plans["reaction"].due_on == dt.date(2026, 3, 17) and plans["learning"].due_on == dt.date(2026, 3, 24)
    assert plans["reaction"].opens_on == last_meeting
    assert plans["behavior"].opens_on == dt.date(2026, 5, 31) and plans["behavior"].due_on == dt.date(2026, 6, 28)
    assert domain.response_rate(1, 28) == 0.036 and domain.response_rate(0, 0) is None


def test_the_levels_of_a_form_decide_its_tasks_and_its_verdict():
    by_form = domain.levels_by_form("workshop=reaction,learning")
    by_table = {"sosialisasi": ("reaction",), "workshop": domain.KINDS, "magang": ("reaction", "behavior")}
    assert domain.levels_of("sosialisasi", by_form, by_table) == ("reaction",)  # the conversion table's
    assert domain.levels_of("magang", by_form, by_table) == ("reaction", "behavior")
    assert domain.levels_of("workshop", by_form, by_table) == ("reaction", "learning")  # the setting wins
    assert domain.levels_of("pelatihan", by_form, by_table) == domain.KINDS
    assert domain.levels_of(None, by_form, by_table) == domain.KINDS
    plans = domain.plan_tasks(dt.date(2026, 12, 4), domain.Schedule(), levels=("reaction",))
    assert [p.kind for p in plans] == ["reaction"]  # no test and no project for a 2-JP sosialisasi
    # a seminar repeats on its feedback; the same feedback of a pelatihan without a test or project does not
    assert domain.recommend(4.5, UNTESTED, None, levels=("reaction",)) == "repeat"
    assert domain.recommend(4.5, UNTESTED, None) == "improve"
    assert domain.recommend(2.5, UNTESTED, None, levels=("reaction",)) == "discontinue"
    for wrong in ("seminar=learning", "seminar=reaction,project", "=reaction", "seminar"):
        with pytest.raises(ValueError, match="form=level"):
            domain.levels_by_form(wrong)
