"""What the region asks of its ASN and what they hold, in the web UI: the yearly priorities of the vision and mission
(RPJMD) with their weights, the default standard of each position class, a position's own standard, and recording
assessments (one ASN or a whole OPD at once)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from services.gateway.ui.catalogues import recomputes_under_way
from services.gateway.ui.client import UIProblem, api, api_all, flash_problem
from services.gateway.ui.labels import ASSESSMENT_SOURCES, COMPETENCY_GROUPS, POSITION_CLASSES
from services.gateway.ui.session import _today, label, signed_in, t, ui


def _active_competencies() -> list[dict]:
    return api("GET", "needs", "/competencies", params={"active": "true"})


@ui.route("/prioritas", methods=["GET", "POST"])
@signed_in("admin")
def prioritas():
    """The year's strategic themes, their weights and target levels (for a class or an OPD, or everyone); adding or
    removing one saves the whole year's list (gaps and needs are recomputed)."""
    year = request.values.get("year", type=int) or _today().year
    current = api("GET", "needs", f"/priorities/{year}")["items"]
    if request.method == "POST":
        items = [
            {k: p[k] for k in ("code", "name", "description", "weight", "competencies", "targets")}
            for p in current
            if p["code"] != request.form.get("remove")
        ]
        if not request.form.get("remove"):
            chosen = request.form.getlist("competencies")
            level = request.form.get("target_level", type=int)
            scope = {
                "position_class": request.form.get("target_class") or None,
                "unit_code": request.form.get("target_unit") or None,
            }
            items.append(
                {
                    "code": request.form.get("code", "").strip().upper(),
                    "name": request.form.get("name", "").strip(),
                    "description": request.form.get("description", "").strip(),
                    "weight": request.form.get("weight", type=float),
                    "competencies": chosen,
                    "targets": [{"competency_code": c, "level": level, **scope} for c in chosen] if level else [],
                }
            )
        try:
            api("PUT", "needs", f"/priorities/{year}", json={"items": items})
            flash(
                t(
                    f"Prioritas {year} disimpan; kesenjangan dihitung ulang.",
                    f"Priorities {year} saved; gaps recomputed.",
                ),
                "ok",
            )
            return redirect(url_for("ui.prioritas", year=year))
        except UIProblem as problem:
            flash_problem(problem)
    competencies = _active_competencies()
    names = {c["code"]: c["name"] for c in competencies}
    return render_template(
        "prioritas.html",
        year=year,
        items=current,
        competencies=competencies,
        names=names,
        classes=[(c, label(POSITION_CLASSES, c)) for c in POSITION_CLASSES],
        class_label=lambda c: label(POSITION_CLASSES, c),
    )


@ui.route("/standar", methods=["GET", "POST"])
@signed_in("admin")
def standar():
    """The default standard of a position class: the level each competency requires (0: not required)."""
    position_class = request.values.get("class", "pelaksana")
    if position_class not in POSITION_CLASSES:
        position_class = "pelaksana"
    competencies = _active_competencies()
    if request.method == "POST":
        items = [
            {"competency_code": c["code"], "required_level": level}
            for c in competencies
            if (level := request.form.get(f"level-{c['code']}", type=int) or 0) > 0
        ]
        try:
            api("PUT", "needs", f"/position-classes/{position_class}/standard", json={"items": items})
            flash(
                t(
                    "Standar kelas jabatan disimpan; kesenjangan dihitung ulang.",
                    "Class standard saved; gaps recomputed.",
                ),
                "ok",
            )
            return redirect(url_for("ui.standar", **{"class": position_class}))
        except UIProblem as problem:
            flash_problem(problem)
    standard = {
        i["competency_code"]: i["required_level"]
        for i in api("GET", "needs", f"/position-classes/{position_class}/standard")["items"]
    }
    positions = api("GET", "needs", "/positions", params={"position_class": position_class})
    return render_template(
        "standar.html",
        position_class=position_class,
        classes=POSITION_CLASSES,
        class_label=lambda c: label(POSITION_CLASSES, c),
        group_label=lambda g: label(COMPETENCY_GROUPS, g),
        competencies=competencies,
        standard=standard,
        positions=positions,
        recomputes=recomputes_under_way(),
    )


@ui.route("/standar/jabatan/<code>", methods=["GET", "POST"])
@signed_in("admin")
def standar_jabatan(code: str):
    """A position's own standard: per competency the class default, or its own level (0 removes it)."""
    competencies = _active_competencies()
    if request.method == "POST":
        items = [
            {"competency_code": c["code"], "required_level": int(choice)}
            for c in competencies
            if (choice := request.form.get(f"level-{c['code']}", "")) != ""
        ]
        try:
            api("PUT", "needs", f"/positions/{code}/standard", json={"items": items})
            flash(
                t(
                    "Standar jabatan disimpan; kesenjangan pemegangnya dihitung ulang.",
                    "Position standard saved; its holders' gaps recomputed.",
                ),
                "ok",
            )
            return redirect(url_for("ui.standar_jabatan", code=code))
        except UIProblem as problem:
            flash_problem(problem)
    position = api("GET", "needs", f"/positions/{code}")
    overrides = {o["competency_code"]: o["required_level"] for o in position["overrides"]}
    effective = {s["competency_code"]: s["required_level"] for s in position["standard"]}
    return render_template(
        "standar_jabatan.html",
        position=position,
        class_label=lambda c: label(POSITION_CLASSES, c),
        competencies=competencies,
        overrides=overrides,
        effective=effective,
    )


ASSESSABLE_SOURCES = ("assessment_centre", "competency_test", "supervisor", "self")  # the others come from events


@ui.route("/penilaian", methods=["GET", "POST"])
@signed_in("admin")
def penilaian():
    """Record assessments, one or many: the ASN of an OPD in one competency, each with a level, and the evidence."""
    unit_code = request.values.get("unit_code", "").strip()
    code = request.values.get("competency_code", "").strip()
    if request.method == "POST":
        recorded, refused = 0, []
        for nip in request.form.getlist("nip"):
            level = request.form.get(f"level-{nip}", type=int)
            if not level:
                continue
            body = {
                "competency_code": code,
                "level": level,
                "source": request.form.get("source", "assessment_centre"),
                "assessed_on": request.form.get("assessed_on") or _today().isoformat(),
                "evidence": request.form.get("evidence", "").strip(),
            }
            try:
                api("POST", "needs", f"/employees/{nip}/assessments", json=body)
                recorded += 1
            except UIProblem as problem:
                refused.append(f"{nip}: {problem.detail}")
        flash(t(f"{recorded} penilaian tercatat.", f"{recorded} assessment(s) recorded."), "ok")
        for line in refused:
            flash(line, "error")
        return redirect(url_for("ui.penilaian", unit_code=unit_code, competency_code=code))
    competencies = _active_competencies()
    people = api_all("needs", "/employees", {"unit_code": unit_code, "active": "true"}) if unit_code and code else []
    return render_template(
        "penilaian.html",
        unit_code=unit_code,
        code=code,
        competencies=[(c["code"], c["name"]) for c in competencies],
        people=people,
        sources=ASSESSABLE_SOURCES,
        source_label=lambda s: label(ASSESSMENT_SOURCES, s),
        today=_today().isoformat(),
    )
