"""A partner institution's user: its own batches only (the training service keeps it to them), their roster with
post-test scores, attendance per meeting and the attendance sheet. The meeting and sheet pages are BKPSDM's own
(``training.py``), open to the partner role."""

from __future__ import annotations

from flask import render_template, request, url_for

from services.gateway.ui.client import _act, api
from services.gateway.ui.session import signed_in, t, ui


@ui.route("/mitra-saya")
@signed_in("partner")
def mitra_saya():
    return render_template("mitra_saya.html", batches=api("GET", "training", "/partner/batches"))


@ui.route("/mitra-saya/angkatan/<batch_id>")
@signed_in("partner")
def mitra_angkatan(batch_id: str):
    batch = api("GET", "training", f"/batches/{batch_id}")
    program = api("GET", "training", f"/programs/{batch['program_id']}")
    roster = api("GET", "training", f"/partner/batches/{batch_id}/enrollments")
    return render_template("mitra_angkatan.html", batch=batch, program=program, roster=roster)


@ui.route("/mitra-saya/angkatan/<batch_id>/peserta/<nip>/post-test", methods=["POST"])
@signed_in("partner")
def mitra_post_test(batch_id: str, nip: str):
    score = request.form.get("score", type=float)
    return _act(
        lambda: api(
            "PUT", "training", f"/partner/batches/{batch_id}/enrollments/{nip}/post-test", json={"score": score}
        ),
        t(f"Nilai post-test {nip} disimpan.", f"Post-test score of {nip} saved."),
        url_for("ui.mitra_angkatan", batch_id=batch_id),
    )
