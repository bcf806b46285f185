"""A partner institution's user: its own batches only (the training service keeps it to them), their roster with
pre- and post-test scores, its open learning tasks, attendance per meeting and the attendance sheet. The meeting and sheet pages are BKPSDM's own
(``training.py``), open to the partner role."""

from __future__ import annotations

from flask import render_template, url_for

from services.gateway.ui.client import api, api_all
from services.gateway.ui.session import signed_in, ui
from services.gateway.ui.training import save_evidence, save_test_score


@ui.route("/mitra-saya")
@signed_in("partner")
def mitra_saya():
    """The partner's batches, and its open learning tasks (every page): the post-tests still to enter."""
    tasks = api_all("evaluation", "/my/tasks", {"status": "open", "kind": "learning"})
    return render_template("mitra_saya.html", batches=api("GET", "training", "/partner/batches"), tasks=tasks)


@ui.route("/mitra-saya/angkatan/<batch_id>")
@signed_in("partner")
def mitra_angkatan(batch_id: str):
    batch = api("GET", "training", f"/batches/{batch_id}")
    program = api("GET", "training", f"/programs/{batch['program_id']}")
    roster = api("GET", "training", f"/partner/batches/{batch_id}/enrollments")
    return render_template("mitra_angkatan.html", batch=batch, program=program, roster=roster)


@ui.route("/mitra-saya/angkatan/<batch_id>/peserta/<nip>/bukti", methods=["POST"])
@signed_in("partner")
def mitra_evidence(batch_id: str, nip: str):
    """The partner records the report or product a participant handed in, in its own batch."""
    return save_evidence(
        f"/partner/batches/{batch_id}/enrollments/{nip}/evidence", nip, url_for("ui.mitra_angkatan", batch_id=batch_id)
    )


@ui.route("/mitra-saya/angkatan/<batch_id>/peserta/<nip>/<any('pre-test', 'post-test'):test>", methods=["POST"])
@signed_in("partner")
def mitra_test_score(batch_id: str, nip: str, test: str):
    """The partner enters a participant's pre-test or post-test score in its own batch."""
    return save_test_score(
        f"/partner/batches/{batch_id}/enrollments/{nip}/{test}",
        nip,
        test,
        url_for("ui.mitra_angkatan", batch_id=batch_id),
    )
