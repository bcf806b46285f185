"""The pages of employees and supervisors: their own profile and tasks."""

from __future__ import annotations

from flask import (
    render_template,
)

from services.gateway.ui import charts
from services.gateway.ui.client import api, api_all
from services.gateway.ui.session import current_user, signed_in, t, ui


def _levels_chart(profile: dict, title: str) -> str:
    return charts.levels(
        title, profile["competencies"], t("Level saat ini", "Current level"), t("Level standar", "Required level")
    )


def _my_tasks() -> list[dict]:
    """The signed-in person's open tasks, each with its program's title (one call: the listing carries it)."""
    return api_all("evaluation", "/my/tasks", {"status": "open"})


@ui.route("/saya")
@signed_in("employee", "supervisor")
def saya():
    nip = current_user().subject
    profile = api("GET", "needs", f"/employees/{nip}/profile")
    chart = _levels_chart(
        profile,
        t("Level kompetensi saya dibanding standar jabatan", "My competency levels against my position's standard"),
    )
    tasks = [task for task in _my_tasks() if task["status"] == "open" and task["nip"] == nip]
    return render_template("saya.html", profile=profile, chart=chart, tasks=tasks)


@ui.route("/atasan")
@signed_in("supervisor")
def atasan():
    tasks = [task for task in _my_tasks() if task["status"] == "open" and task["kind"] == "behavior"]
    return render_template("atasan.html", tasks=tasks)
