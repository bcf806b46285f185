"""Pure rules of the evaluation service: no Flask, no SQLAlchemy, no Kafka.

The Kirkpatrick levels as government training bodies use them: L1 reaction (the participant's
questionnaire), L2 learning (pre- and post-test), L3 behaviour (the supervisor's rubric on a real
project after the training). From them: a program's effectiveness and the recommendation.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

KINDS = ("reaction", "learning", "behavior")
REACTION_ITEMS = ("content", "trainer", "relevance", "organisation")
THEMES = (
    "materi",
    "narasumber",
    "metode",
    "waktu",
    "fasilitas",
    "relevansi_tugas",
    "praktik",
    "administrasi",
    "konsumsi",
)
SIGNIFICANCE = 0.05
# The exact one-sided signed-rank test reaches p < 0.05 from 5 pairs (all five gains positive: p = 1/2^5 = 0.031);
# below that no result could be significant, so none is computed.
MIN_PAIRS = 5


# --- tasks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    reaction_due_days: int = 7
    learning_due_days: int = 14
    behavior_opens_after_days: int = 90
    behavior_due_weeks: int = 4


@dataclass(frozen=True)
class TaskPlan:
    kind: str
    opens_on: dt.date
    due_on: dt.date


def levels_by_form(text: str) -> dict[str, tuple[str, ...]]:
    """``form=level,level;form=level`` → the levels of each form named (the others: all three); ValueError naming
    what is wrong. The feedback (reaction) is always asked for."""
    levels: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        form, _, named = part.partition("=")
        kinds = tuple(k.strip() for k in named.split(",") if k.strip())
        unknown = [k for k in kinds if k not in KINDS]
        if not form.strip() or not kinds or unknown or "reaction" not in kinds:
            raise ValueError(
                f"{part!r}: write form=level,level with the levels among {', '.join(KINDS)}, reaction always included."
            )
        levels[form.strip()] = tuple(k for k in KINDS if k in kinds)
    return levels


def levels_of(
    form: str | None, by_form: Mapping[str, tuple[str, ...]], by_table: Mapping[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """The levels a form is evaluated on: as EVALUATION_LEVELS_BY_FORM names them, else as the forms' conversion
    table does (a seminar asks for the feedback alone, a magang for the feedback and the project), else all three."""
    return by_form.get(form or "") or by_table.get(form or "") or KINDS


def plan_tasks(
    completed_on: dt.date, schedule: Schedule, created_on: dt.date | None = None, levels: Sequence[str] = KINDS
) -> list[TaskPlan]:
    """The evaluation tasks of one participant after a completed training, one per level its form is evaluated on.

    Due dates count from when the tasks are created (``created_on``), not from the last meeting: a batch
    closed a week late must not create tasks that are overdue at birth.
    """
    start = max(completed_on, created_on or completed_on)
    behavior_opens = completed_on + dt.timedelta(days=schedule.behavior_opens_after_days)
    behavior_start = max(behavior_opens, start)
    plans = [
        TaskPlan("reaction", completed_on, start + dt.timedelta(days=schedule.reaction_due_days)),
        TaskPlan("learning", completed_on, start + dt.timedelta(days=schedule.learning_due_days)),
        TaskPlan("behavior", behavior_opens, behavior_start + dt.timedelta(weeks=schedule.behavior_due_weeks)),
    ]
    return [plan for plan in plans if plan.kind in levels]


def rubric_errors(rubric: Sequence[Mapping], targets: Mapping[str, int]) -> list[tuple[int, str]]:
    """(index, message) for each rubric line naming a competency the program does not target, or twice."""
    errors, seen = [], set()
    for index, line in enumerate(rubric):
        code = line["competency_code"]
        if code not in targets:
            errors.append((index, f"The program does not target {code}; rate only {', '.join(sorted(targets))}."))
        elif code in seen:
            errors.append((index, f"{code} is rated twice."))
        seen.add(code)
    return errors


# --- effectiveness ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reaction:
    mean: float | None
    distribution: dict[int, int]  # answers per Likert value 1–5, all items together
    responses: int


def reaction(responses: Iterable[Mapping[str, int]]) -> Reaction:
    """The mean of every Likert answer (each response's four items), and their distribution."""
    answers = [int(r[item]) for r in responses for item in REACTION_ITEMS]
    distribution = {value: answers.count(value) for value in range(1, 6)}
    mean = round(sum(answers) / len(answers), 2) if answers else None
    return Reaction(mean, distribution, len(answers) // len(REACTION_ITEMS))


@dataclass(frozen=True)
class Learning:
    pairs: int
    mean_pre: float | None
    mean_post: float | None
    mean_gain: float | None  # post − pre, in points
    normalised_gain: float | None  # Hake: mean of (post − pre) / (100 − pre)
    p_value: float | None  # one-sided Wilcoxon signed-rank, post > pre; None below MIN_PAIRS
    significant: bool


def learning(scores: Iterable[tuple[float | None, float]]) -> Learning:
    """Pre/post-test results; only participants with both scores enter the gain and the test.

    The test is the Wilcoxon signed-rank test (paired, one-sided: post greater than pre), chosen over
    the paired t-test because batches are small and scores are bounded and often skewed; zero
    differences are dropped (Wilcoxon's method). Significant means p < 0.05.
    """
    pairs = [(pre, post) for pre, post in scores if pre is not None]
    if not pairs:
        return Learning(0, None, None, None, None, None, False)
    gains = [post - pre for pre, post in pairs]
    normalised = [(post - pre) / (100 - pre) for pre, post in pairs if pre < 100]
    p_value = None
    if sum(1 for g in gains if g != 0) >= MIN_PAIRS:
        from scipy.stats import wilcoxon  # on first use: SciPy costs a worker ~55 MB, and few requests need it

        p_value = float(wilcoxon([post for _, post in pairs], [pre for pre, _ in pairs], alternative="greater").pvalue)
        p_value = round(p_value, 6) if not math.isnan(p_value) else None
    return Learning(
        pairs=len(pairs),
        mean_pre=round(sum(pre for pre, _ in pairs) / len(pairs), 2),
        mean_post=round(sum(post for _, post in pairs) / len(pairs), 2),
        mean_gain=round(sum(gains) / len(gains), 2),
        normalised_gain=round(sum(normalised) / len(normalised), 3) if normalised else None,
        p_value=p_value,
        significant=p_value is not None and p_value < SIGNIFICANCE,
    )


def reached_targets(rubric: Mapping[str, int], targets: Mapping[str, int]) -> bool:
    """A participant reached the program's aim when every target competency was rated at its target level or above."""
    return all(rubric.get(code, 0) >= level for code, level in targets.items())


def behavior_pass_rate(rubrics: Sequence[Mapping[str, int]], targets: Mapping[str, int]) -> float | None:
    if not rubrics:
        return None
    return round(sum(reached_targets(r, targets) for r in rubrics) / len(rubrics), 3)


# The recommendation rule (documented in docs/evaluation.md and tested at its boundaries):
REPEAT_REACTION = 4.0
REPEAT_BEHAVIOR = 0.7
DISCONTINUE_REACTION = 3.0
DISCONTINUE_BEHAVIOR = 0.4


def response_rate(responses: int, participants: int) -> float | None:
    """The share of participants who answered the questionnaire (reaction)."""
    return round(responses / participants, 3) if participants else None


def recommend(
    reaction_mean: float | None,
    learning_result: Learning,
    pass_rate: float | None,
    responses: float | None = None,
    min_responses: float = 0.0,
    behavior_assessed: int | None = None,
    min_behavior: int = 0,
    levels: Sequence[str] = KINDS,
) -> str:
    """insufficient_data: fewer participants answered the questionnaire than ``min_responses`` (a share);
    repeat: a significant learning gain, reaction ≥ 4.0 and behaviour pass rate ≥ 0.7 (all measured);
    discontinue: behaviour pass rate < 0.4, or reaction < 3.0, or a measured test without any gain
    (mean gain ≤ 0); improve: everything in between, and whenever evidence is missing. A pass rate of fewer than
    ``min_behavior`` project assessments is no evidence ("belum cukup data"): one failing project of three
    participants decides nothing about the program. Only the ``levels`` the form is evaluated on count: a seminar
    (feedback alone) repeats on its feedback."""
    if responses is not None and responses < min_responses:
        return "insufficient_data"
    if behavior_assessed is not None and behavior_assessed < min_behavior:
        pass_rate = None
    no_gain = learning_result.p_value is not None and (learning_result.mean_gain or 0) <= 0
    if (
        (pass_rate is not None and pass_rate < DISCONTINUE_BEHAVIOR)
        or (reaction_mean is not None and reaction_mean < DISCONTINUE_REACTION)
        or no_gain
    ):
        return "discontinue"
    if (
        ("learning" not in levels or learning_result.significant)
        and reaction_mean is not None
        and reaction_mean >= REPEAT_REACTION
        and ("behavior" not in levels or (pass_rate is not None and pass_rate >= REPEAT_BEHAVIOR))
    ):
        return "repeat"
    return "improve"


def top_themes(chosen: Iterable[Iterable[str]], limit: int = 5) -> list[tuple[str, int]]:
    """The most frequent feedback themes participants picked, most frequent first (ties by name)."""
    counts = Counter(theme for themes in chosen for theme in themes)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
