"""Read side of the evaluation service: task listings, overdue work, reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl import Workbook
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from services.evaluation import domain
from services.evaluation.models import BatchEvaluation, Participation, Task
from shared.errors import NotFound

TASK_FILTERS = ("status", "kind", "assignee_nip", "assignee_partner", "nip", "batch_id", "flagged")


def task_view(task: Task, today: dt.date, program_title: str | None = None) -> dict[str, Any]:
    values = {column.key: getattr(task, column.key) for column in Task.__table__.columns}
    return values | {"overdue": task.status == "open" and task.due_on < today, "program_title": program_title}


def tasks(session: Session, filters: dict[str, Any], today: dt.date, page: int, page_size: int):
    """A page of tasks by due date, and how many match. The count reads the tasks alone (an index) unless the OPD
    filter needs the participations: a year's tens of thousands of tasks cost milliseconds, not a join."""
    conditions = [getattr(Task, f) == filters[f] for f in TASK_FILTERS if filters.get(f) is not None]
    if filters.get("overdue") is not None:
        overdue = (Task.status == "open") & (Task.due_on < today)
        conditions.append(overdue if filters["overdue"] else ~overdue)
    counted = select(func.count()).select_from(Task)
    if filters.get("unit_code"):
        conditions.append(Participation.unit_code == filters["unit_code"])
        counted = counted.join(Participation, Participation.enrollment_id == Task.enrollment_id)
    total = session.scalar(counted.where(*conditions))
    found = session.execute(
        select(Task, Participation.program_title)
        .join(Participation, Participation.enrollment_id == Task.enrollment_id)
        .where(*conditions)
        .order_by(Task.due_on, Task.id)  # ix_tasks_due: the first page without sorting every task
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return [task_view(task, today, title) for task, title in found], total


def open_work_by(session: Session, dimension: str, today: dt.date) -> list[dict[str, Any]]:
    """Open and overdue tasks per assignee (NIP; null = the partner or BKPSDM) or per OPD."""
    key = Task.assignee_nip if dimension == "assignee" else Participation.unit_code
    overdue = func.sum(case((Task.due_on < today, 1), else_=0))
    rows = session.execute(
        select(key.label("key"), func.count().label("open"), overdue.label("overdue"))
        .join(Participation, Participation.enrollment_id == Task.enrollment_id)
        .where(Task.status == "open", Task.opens_on <= today)
        .group_by(key)
        .order_by(overdue.desc(), key)
    ).all()
    return [{"key": r.key, "open": r.open, "overdue": int(r.overdue or 0)} for r in rows]


def report_xlsx(title: str, figures: dict[str, Any]) -> bytes:
    """The effectiveness report of a batch or program as an XLSX sheet with Indonesian labels."""
    learning, reaction = figures["learning"], figures["reaction"]
    rows = [
        ("Laporan", title),
        ("Jumlah peserta", figures["participants"]),
        ("Rata-rata reaksi (1-5)", reaction["mean"]),
        ("Jumlah responden reaksi", reaction["responses"]),
        ("Tingkat respons kuesioner", figures["response_rate"]),
        ("Rata-rata pre-test", learning["mean_pre"]),
        ("Rata-rata post-test", learning["mean_post"]),
        ("Peningkatan rata-rata (poin)", learning["mean_gain"]),
        ("Peningkatan ternormalisasi", learning["normalised_gain"]),
        ("Nilai p (Wilcoxon, satu arah)", learning["p_value"]),
        ("Peningkatan signifikan", "Ya" if learning["significant"] else "Tidak"),
        ("Persentase mencapai target perilaku", figures["behavior_pass_rate"]),
        (
            "Rekomendasi",
            {
                "repeat": "Ulangi",
                "improve": "Perbaiki",
                "discontinue": "Hentikan",
                "insufficient_data": "Belum cukup data",
            }[figures["recommendation"]],
        ),
    ]
    rows += [(f"Tema masukan: {t['theme']}", t["count"]) for t in figures["themes"]]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Efektivitas")
    sheet.append(("Ukuran", "Nilai"))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def batch_figures(
    session,
    batch_id: str | None = None,
    program_id: str | None = None,
    min_response_rate: float = 0.0,
    min_behavior_assessments: int = 0,
    levels_of: Callable[[str | None], Sequence[str]] = lambda _form: domain.KINDS,
) -> dict[str, Any]:
    """The effectiveness figures of a batch (or of every batch of a program), from the submitted tasks, each with
    its count; no recommendation ("insufficient_data") while fewer than ``min_response_rate`` answered the
    questionnaire, and no pass rate counts before ``min_behavior_assessments`` projects were assessed."""
    rows = _tasks_of(session, batch_id, program_id)
    submitted = [(t, p) for t, p in rows if t.status == "submitted"]
    reactions = [t.submission for t, _ in submitted if t.kind == "reaction"]
    scores = [(t.submission.get("pre_score"), t.submission["post_score"]) for t, _ in submitted if t.kind == "learning"]
    targets = {c["code"]: c["target_level"] for c in rows[0][1].competencies}
    rubrics = [
        {line["competency_code"]: line["level"] for line in t.submission["rubric"]}
        for t, _ in submitted
        if t.kind == "behavior"
    ]
    levels = levels_of(rows[0][1].form)  # a program has one form
    reaction_result = domain.reaction(reactions)
    learning_result = domain.learning(scores)
    pass_rate = domain.behavior_pass_rate(rubrics, targets)
    participants = len({p.enrollment_id for _, p in rows})
    rate = domain.response_rate(reaction_result.responses, participants)
    return {
        "participants": participants,
        "response_rate": rate,
        "tasks": _task_counts(rows),
        "reaction": {
            "mean": reaction_result.mean,
            "responses": reaction_result.responses,
            "distribution": {str(k): v for k, v in reaction_result.distribution.items()},
        },
        "learning": dataclasses.asdict(learning_result) | {"test": "Wilcoxon signed-rank, one-sided (post > pre)"},
        "behavior_pass_rate": pass_rate,
        "behavior": {
            "assessed": len(rubrics),
            "reached": sum(domain.reached_targets(rubric, targets) for rubric in rubrics),
            "enough": len(rubrics) >= min_behavior_assessments,
        },
        "themes": [
            {"theme": theme, "count": n} for theme, n in domain.top_themes(r.get("themes", []) for r in reactions)
        ],
        "recommendation": domain.recommend(
            reaction_result.mean,
            learning_result,
            pass_rate,
            rate,
            min_response_rate,
            behavior_assessed=len(rubrics),
            min_behavior=min_behavior_assessments,
            levels=levels,
        ),
        "levels": list(levels),
    }


def _tasks_of(session, batch_id: str | None, program_id: str | None) -> list:
    """The tasks of a batch, or of a program's evaluated batches (those whose tasks are all done: a batch still
    answering does not weigh on the program's verdict), with their participation; cancelled ones left out."""
    query = (
        select(Task, Participation)
        .join(Participation, Participation.enrollment_id == Task.enrollment_id)
        .where(Task.status != "cancelled")  # a completion revoked by a reopened batch
    )
    if batch_id:
        query = query.where(Task.batch_id == batch_id)
    else:
        evaluated = select(BatchEvaluation.batch_id).where(BatchEvaluation.program_id == program_id)
        query = query.where(Participation.program_id == program_id, Task.batch_id.in_(evaluated))
    rows = session.execute(query).all()
    if not rows:
        raise NotFound(f"No evaluation tasks for {'batch ' + batch_id if batch_id else 'program ' + str(program_id)}.")
    return rows


def _task_counts(rows) -> dict[str, dict[str, int]]:
    """The tasks of each kind by status."""
    return {
        kind: {status: sum(1 for t, _ in rows if t.kind == kind and t.status == status) for status in TASK_STATES}
        for kind in domain.KINDS
    }


TASK_STATES = ("open", "submitted", "expired")


def get_task(session, task_id: str, unit_code: str | None = None) -> Task:
    """A task; with ``unit_code``, only one of that OPD's participant (not found otherwise: nothing leaks)."""
    task = session.get(Task, task_id)
    if task is None or (unit_code is not None and _unit_of(session, task) != unit_code):
        raise NotFound(f"No task {task_id}.")
    return task


def _unit_of(session, task: Task) -> str | None:
    return session.scalar(select(Participation.unit_code).where(Participation.enrollment_id == task.enrollment_id))
