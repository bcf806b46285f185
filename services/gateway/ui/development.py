"""Development and its certificates in the web UI: an ASN claims development outside Bangkom with the certificate and
follows it; BKPSDM verifies or rejects the queue (the needs service decides: docs/needs.md, "Development outside
Bangkom"). The certificate of a Bangkom training, and its public verification page (the QR code's address)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from services.gateway import upstream
from services.gateway.ui.client import UIProblem, api, api_all, download, flash_problem, names_of, passed_on
from services.gateway.ui.labels import EXTERNAL_STATUSES, FORMS
from services.gateway.ui.session import current_user, label, signed_in, t, ui


def _upload(record_id: str) -> None:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise UIProblem(
            422, t("Pilih berkas sertifikat (PDF, PNG atau JPEG).", "Choose the certificate file (PDF, PNG or JPEG).")
        )
    api("PUT", "needs", f"/external-development/{record_id}/certificate", files=passed_on(upload))


@ui.route("/saya/pengembangan", methods=["GET", "POST"])
@signed_in("employee", "supervisor")
def pengembangan_saya():
    nip = current_user().subject
    if request.method == "POST":
        claim = {
            key: request.form.get(key, "").strip()
            for key in ("form", "title", "organiser", "starts_on", "ends_on", "certificate_number")
        }
        claim["jp"] = request.form.get("jp", type=int)
        claim["quantity"] = request.form.get("quantity", type=int)
        code, level = request.form.get("competency_code", "").strip(), request.form.get("level", type=int)
        claim["competencies"] = [{"code": code, "level": level}] if code and level else []
        try:
            record = api("POST", "needs", f"/employees/{nip}/external-development", json=claim)
        except UIProblem as problem:
            flash_problem(problem)
            shown = claim | {"competency_code": code}  # the form again, as it was filled in
            return render_template("pengembangan_saya.html", **_page(nip), claim=shown), 422
        try:
            _upload(record["id"])
            flash(t("Tercatat. BKPSDM akan memverifikasinya.", "Recorded. BKPSDM will verify it."), "ok")
        except UIProblem as problem:
            flash_problem(problem)
            flash(
                t(
                    "Catatan tersimpan tanpa sertifikat: unggah di bawah.",
                    "Saved without the certificate: upload it below.",
                ),
                "error",
            )
        return redirect(url_for("ui.pengembangan_saya"))
    return render_template("pengembangan_saya.html", **_page(nip), claim={})


def _page(nip: str) -> dict:
    records = api_all("needs", "/external-development", {"nip": nip})
    return {
        "records": records,
        "forms": [(code, label(FORMS, code)) for code in FORMS],
        "competencies": sorted(names_of("competency").items(), key=lambda entry: entry[1]),
        "form_label": lambda f: label(FORMS, f),
        "status_label": lambda s: label(EXTERNAL_STATUSES, s),
    }


@ui.route("/saya/pengembangan/<record_id>/sertifikat", methods=["POST"])
@signed_in("employee", "supervisor", "admin")
def sertifikat_unggah(record_id: str):
    try:
        _upload(record_id)
        flash(t("Sertifikat diunggah.", "Certificate uploaded."), "ok")
    except UIProblem as problem:
        flash_problem(problem)
    return redirect(request.form.get("back") or url_for("ui.pengembangan_saya"))


@ui.route("/pengembangan/<record_id>/sertifikat")
@signed_in("employee", "supervisor", "admin")
def sertifikat(record_id: str):
    return download("needs", f"/external-development/{record_id}/certificate", f"sertifikat-{record_id}", inline=True)


@ui.route("/pelatihan-saya/<enrollment_id>/sertifikat.pdf")
@signed_in("employee", "supervisor", "admin")
def sertifikat_pelatihan(enrollment_id: str):
    """The certificate of a Bangkom training (the participant, their supervisor, BKPSDM)."""
    return download("training", f"/enrollments/{enrollment_id}/certificate", f"sertifikat-{enrollment_id}.pdf")


@ui.route("/verifikasi/<path:number>")
def verifikasi_sertifikat(number: str):
    """Public (the QR code on a certificate opens it): whether a certificate is genuine, valid or revoked, with no
    more of the person than the certificate prints."""
    try:
        check = api("GET", "training", "/certificates/verification", params={"number": number}, caller=upstream.GATEWAY)
    except UIProblem as problem:
        if problem.status != 404:
            raise
        check = None
    return render_template("verifikasi_sertifikat.html", number=number, check=check), 200 if check else 404


@ui.route("/verifikasi-pengembangan")
@signed_in("admin")
def verifikasi():
    status = request.args.get("status", "submitted")
    records = api_all("needs", "/external-development", {"status": status})
    return render_template(
        "verifikasi.html",
        records=records,
        status=status,
        statuses=EXTERNAL_STATUSES,
        form_label=lambda f: label(FORMS, f),
        status_label=lambda s: label(EXTERNAL_STATUSES, s),
    )


@ui.route("/verifikasi-pengembangan/<record_id>", methods=["POST"])
@signed_in("admin")
def verifikasi_putus(record_id: str):
    try:
        decision = request.form.get("decision")
        if decision == "verify":
            api("POST", "needs", f"/external-development/{record_id}/verify", json=_as_verified(record_id))
            flash(t("Terverifikasi: JP akan dihitung.", "Verified: the JP will count."), "ok")
        elif decision == "withdraw":
            api(
                "POST",
                "needs",
                f"/external-development/{record_id}/withdraw",
                json={"reason": request.form.get("reason", "").strip()},
            )
            flash(
                t(
                    "Verifikasi ditarik: JP dan level yang diberikannya dicabut.",
                    "Verification withdrawn: its JP and levels are taken back.",
                ),
                "ok",
            )
        else:
            api(
                "POST",
                "needs",
                f"/external-development/{record_id}/reject",
                json={"reason": request.form.get("reason", "").strip()},
            )
            flash(t("Ditolak; pegawai melihat alasannya.", "Rejected; the employee sees the reason."), "ok")
    except UIProblem as problem:
        flash_problem(problem)
    return redirect(url_for("ui.verifikasi"))


def _as_verified(record_id: str) -> dict:
    """The JP and levels BKPSDM found on the certificate, where the form changed them from the claim."""
    record = api("GET", "needs", f"/external-development/{record_id}")
    body: dict = {}
    jp = request.form.get("jp", type=int)
    if jp and jp != record["jp"]:
        body["jp"] = jp
    levels = [
        {"code": c["code"], "level": request.form.get(f"level-{c['code']}", type=int) or c["level"]}
        for c in record["competencies"]
    ]
    if levels != record["competencies"]:
        body["competencies"] = levels
    return body
