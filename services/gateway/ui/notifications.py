"""Notification pages: a person chooses the language of their messages and which optional ones they receive;
BKPSDM sees the deliveries that failed and sends them again."""

from __future__ import annotations

from flask import render_template, request, url_for

from services.gateway.ui.client import _act, api, api_page
from services.gateway.ui.session import signed_in, t, ui


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
    return render_template("notifikasi_saya.html", preference=api("GET", "notifications", "/preferences/me"))


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
