"""Notification pages: a person chooses the language of their messages and which optional ones they receive, and
takes their calendar (a download, or a secret subscription address calendar applications open without a login);
BKPSDM sees the deliveries that failed and sends them again."""

from __future__ import annotations

from flask import Response, render_template, request, url_for

from services.gateway import upstream
from services.gateway.ui.client import UIProblem, _act, api, api_page, download, flash_problem
from services.gateway.ui.session import signed_in, t, ui
from shared.web import context


@ui.route("/saya/notifikasi", methods=["GET", "POST"])
@signed_in("employee", "supervisor", "admin")
def notifikasi_saya():
    if request.method == "POST":
        body = {"language": request.form.get("language", "id"), "muted": request.form.getlist("muted")}
        return _act(
            lambda: api("PUT", "notifications", "/preferences/me", json=body),
            t("Pilihan pemberitahuan disimpan.", "Notification choices saved."),
            url_for("ui.notifikasi_saya"),
        )
    return render_template(
        "notifikasi_saya.html",
        preference=api("GET", "notifications", "/preferences/me"),
        feed=_my_feed(),
    )


def _my_feed(created: dict | None = None) -> dict:
    """The person's calendar subscription: whether one works, and its address in the answer that made it."""
    if created is None:
        return {"subscribed": False, "created_at": None, "url": None}
    base = context().settings.public_url.rstrip("/")
    return {**created, "url": base + created["path"] if created.get("path") else None}


@ui.route("/saya/kalender", methods=["POST"])
@signed_in("employee", "supervisor", "admin")
def kalender_saya():
    """Make a new secret subscription address (shown once, here) or stop the current one."""
    try:
        if request.form.get("action") == "stop":
            api("DELETE", "notifications", "/calendars/me/feed")
            feed = _my_feed()
        else:
            feed = _my_feed(api("POST", "notifications", "/calendars/me/feed"))
    except UIProblem as problem:
        flash_problem(problem)
        feed = _my_feed()
    preference = api("GET", "notifications", "/preferences/me")
    return render_template("notifikasi_saya.html", preference=preference, feed=feed, stopped=not feed["url"])


@ui.route("/saya/kalender.ics")
@signed_in("employee", "supervisor", "admin")
def kalender_saya_unduh():
    return download("notifications", "/calendars/me", "bangkom.ics")


@ui.route("/angkatan/<batch_id>/kalender.ics")
@signed_in("employee", "supervisor", "admin", "partner")
def kalender_angkatan(batch_id: str):
    return download("notifications", f"/calendars/batches/{batch_id}", f"angkatan-{batch_id}.ics")


@ui.route("/angkatan/<batch_id>/kalender", methods=["POST"])
@signed_in("admin")
def kalender_angkatan_langganan(batch_id: str):
    """A batch's calendar subscription address for its trainers (shown once, here), or stop it."""
    stopping = request.form.get("action") == "stop"
    try:
        answer = api("DELETE" if stopping else "POST", "notifications", f"/calendars/batches/{batch_id}/feed")
    except UIProblem as problem:
        flash_problem(problem)
        answer = {"subscribed": False, "path": None}
    base = context().settings.public_url.rstrip("/")
    url = base + answer["path"] if answer.get("path") else None
    return render_template("kalender_angkatan.html", batch_id=batch_id, url=url, stopped=stopping)


@ui.route("/kalender/<token>.ics")
def kalender_langganan(token: str):
    """Public: a calendar application fetches a subscription here; the secret in the address is the only key."""
    try:
        answer = api(
            "GET", "notifications", "/calendars/feed", params={"token": token}, caller=upstream.GATEWAY, raw=True
        )
    except UIProblem as problem:
        return Response(problem.detail, status=problem.status, mimetype="text/plain")
    return Response(answer.content, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"})


@ui.route("/notifikasi")
@signed_in("admin")
def notifikasi():
    status = request.args.get("status") or "failed"
    listed = api_page("notifications", "/messages", {"status": status})
    return render_template(
        "notifikasi.html",
        messages=listed.items,
        status=status,
        page=listed.number,
        pages=listed.pages,
        filters={"status": status},
    )


@ui.route("/notifikasi/<message_id>/kirim-ulang", methods=["POST"])
@signed_in("admin")
def kirim_ulang(message_id: str):
    return _act(
        lambda: api("POST", "notifications", f"/messages/{message_id}/resend"),
        t("Pesan diantrekan untuk dikirim ulang.", "Message queued to be sent again."),
        url_for("ui.notifikasi", status=request.form.get("status", "failed")),
    )
