"""Evaluation pages: a program's effectiveness, and answering a task."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from services.gateway.ui import charts
from services.gateway.ui.client import UIProblem, _act, _program_of_batch, api, api_all, api_page, flash_problem
from services.gateway.ui.labels import RECOMMENDATIONS, THEMES
from services.gateway.ui.session import _today, signed_in, t, ui


def _p_value_in_words(learning: dict) -> str:
    if learning.get("p_value") is None:
        return t(
            "Belum cukup pasangan nilai pre-test dan post-test untuk uji statistik (minimal 5).",
            "Not enough pre-test and post-test pairs for a statistical test (at least 5).",
        )
    if learning.get("significant"):
        return t(
            f"Kenaikan nilai nyata secara statistik (p = {learning['p_value']:.3f}): pelatihan ini meningkatkan pengetahuan.",
            f"The gain is statistically significant (p = {learning['p_value']:.3f}): the training raised knowledge.",
        )
    return t(
        f"Kenaikan nilai belum terbukti nyata secara statistik (p = {learning['p_value']:.3f}).",
        f"The gain is not statistically significant (p = {learning['p_value']:.3f}).",
    )


@ui.route("/pelatihan/<program_id>/efektivitas")
@signed_in("admin")
def efektivitas(program_id: str):
    found = api("GET", "training", f"/programs/{program_id}")
    try:
        figures = api("GET", "evaluation", f"/reports/programs/{program_id}")
    except UIProblem as problem:
        if problem.status != 404:
            raise
        return render_template("efektivitas_belum.html", program=found)  # no batch closed yet: nothing to evaluate
    learning = figures["learning"]
    chart = charts.bars(
        t("Rata-rata nilai pre-test dan post-test", "Mean pre-test and post-test scores"),
        [("Pre-test", learning["mean_pre"] or 0), ("Post-test", learning["mean_post"] or 0)],
        100,
    )
    recommendation = RECOMMENDATIONS.get(figures.get("recommendation") or "", ("-", "-"))
    return render_template(
        "efektivitas.html",
        program=found,
        figures=figures,
        chart=chart,
        themes=THEMES,
        significance=_p_value_in_words(learning),
        recommendation=t(*recommendation),
    )


@ui.route("/tugas/<task_id>", methods=["GET", "POST"])
@signed_in("employee", "supervisor")
def tugas(task_id: str):
    mine = api_all("evaluation", "/my/tasks")
    task = next((x for x in mine if x["id"] == task_id), None) or abort(403)
    program_ = _program_of_batch(task["batch_id"])
    if task["kind"] == "behavior":  # the rubric speaks of competencies by name, not code
        names = {c["code"]: c["name"] for c in api("GET", "needs", "/competencies")}
        program_["competencies"] = [c | {"name": names.get(c["code"], c["code"])} for c in program_["competencies"]]
    if request.method == "POST":
        form = request.form
        if task["kind"] == "reaction":
            body = {key: form.get(key, type=int) for key in ("content", "trainer", "relevance", "organisation")}
            body |= {"themes": form.getlist("themes"), "comments": form.get("comments", "")}
        else:
            body = {
                "project_title": form.get("project_title", ""),
                "description": form.get("description", ""),
                "rubric": [
                    {
                        "competency_code": c["code"],
                        "level": form.get(f"level_{c['code']}", type=int),
                        "note": form.get(f"note_{c['code']}", ""),
                    }
                    for c in program_["competencies"]
                ],
            }
        try:
            api("POST", "evaluation", f"/tasks/{task_id}/submission", json=body)
        except UIProblem as problem:
            return render_template(
                "tugas.html", task=task, program=program_, themes=THEMES, form=form, problem=problem
            ), 422
        flash(t("Terima kasih, isian Anda tersimpan.", "Thank you, your answers are saved."), "ok")
        return redirect(url_for("ui.beranda"))
    return render_template("tugas.html", task=task, program=program_, themes=THEMES, form={}, problem=None)


@ui.route("/bkpsdm/tugas")
@signed_in("admin")
def tugas_bkpsdm():
    """The project assessments (L3) that wait on nobody: flagged (no supervisor known) or overdue. BKPSDM gives each
    to a supervisor who can act, with a reason."""
    view = request.args.get("lihat", "flagged")
    query = {
        "flagged": {"flagged": "true", "status": "open"},
        "overdue": {"overdue": "true", "status": "open"},
        "expired": {"status": "expired"},
    }.get(view) or abort(404)
    nip = request.args.get("nip", "").strip()  # one participant's, when BKPSDM looks for them
    listed = api_page("evaluation", "/tasks", {**query, "kind": "behavior", **({"nip": nip} if nip else {})})
    return render_template(
        "tugas_bkpsdm.html",
        tasks=listed.items,
        total=listed.total,
        page=listed.number,
        pages=listed.pages,
        nip=nip,
        filters={"lihat": view, **({"nip": nip} if nip else {})},
        view=view,
        today=_today().isoformat(),
    )


@ui.route("/bkpsdm/tugas/<task_id>/tutup", methods=["POST"])
@signed_in("admin")
def tugas_tutup(task_id: str):
    """BKPSDM closes a project assessment that will not be answered, with a reason (it counts as expired)."""
    view = request.form.get("lihat", "flagged")
    return _act(
        lambda: api("POST", "evaluation", f"/tasks/{task_id}/close", json={"reason": request.form.get("reason", "")}),
        t("Tugas ditutup; kebutuhannya kembali ke rencana.", "The task is closed; its needs go back to the plan."),
        url_for("ui.tugas_bkpsdm", lihat=view),
    )


@ui.route("/bkpsdm/tugas/<task_id>/buka", methods=["POST"])
@signed_in("admin")
def tugas_buka(task_id: str):
    """BKPSDM opens an expired (or closed) project assessment again for a late answer, until a new due date."""
    return _act(
        lambda: api("POST", "evaluation", f"/tasks/{task_id}/reopen", json={"due_on": request.form.get("due_on")}),
        t("Tugas dibuka lagi sampai tenggat baru.", "The task is open again until its new due date."),
        url_for("ui.tugas_bkpsdm", lihat="expired"),
    )


@ui.route("/bkpsdm/tugas/<task_id>/penilai", methods=["POST"])
@signed_in("admin")
def tugas_alihkan(task_id: str):
    view = request.form.get("lihat", "flagged")
    try:
        body = {"assignee_nip": request.form.get("assignee_nip", "").strip(), "reason": request.form.get("reason", "")}
        api("PUT", "evaluation", f"/tasks/{task_id}/assignee", json=body)
        flash(
            t(
                f"Tugas diberikan kepada {body['assignee_nip']}; ia diberi tahu lewat surel.",
                f"The task was given to {body['assignee_nip']}; they are told by e-mail.",
            ),
            "ok",
        )
    except UIProblem as problem:
        flash_problem(problem)
    return redirect(url_for("ui.tugas_bkpsdm", lihat=view))
