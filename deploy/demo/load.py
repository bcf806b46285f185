"""The demo dataset of Kota Lhokseumawe, loaded in two steps by ``deploy/demo/run.sh``.

``seed`` (before the services start; needs and gateway databases): the national competencies, technical
competencies per OPD, a few hundred ASN from a SIMPEG export (the import path of the needs service, so
positions are created from their jabatan), position standards, earlier assessments, the gaps, and the
demo logins. Run again, it changes nothing.

``activity`` (once the stack runs): partner institutions, programs across the year with a batch each,
nominations from the candidate suggestions, the partners' attendance, closed batches, and the
evaluations of the completed ones (feedback, post-test, project assessments). It talks HTTP to the
services as the people who would do each step (a signed ``X-Bangkom-Identity``, as the gateway sends).
It skips itself when the programs exist already.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
import uuid
from typing import Any

import requests
from sqlalchemy import select

from services.evaluation import domain as evaluation_domain
from services.gateway import handlers as gateway_handlers
from services.gateway.models import Account
from services.needs import handlers as needs_handlers
from services.needs.commands import CompetencyDetails
from services.needs.config import NeedsSettings
from services.needs.models import AssessmentRecord, Competency, Employee, Outbox, Position, PositionStandard
from services.needs.sample import OPDS, generate_employees
from services.needs.simpeg import runs
from shared import forms
from shared.db import Database, UnitOfWork
from shared.identity import HEADER, Identity, encode

EMPLOYEES = int(os.environ.get("DEMO_EMPLOYEES", "360"))
PASSWORDS = {  # user name → (role, password); printed by run.sh
    "bkpsdm": ("admin", "demo-bkpsdm-2026"),
    "atasan": ("supervisor", "demo-atasan-2026"),
    "pegawai": ("employee", "demo-pegawai-2026"),
    "ops": ("ops", "demo-ops-2026!"),
    "mitra": ("partner", "demo-mitra-2026"),  # a person of Universitas Malikussaleh (UNIMAL): its batches only
    "opd": ("opd", "demo-opd-2026"),  # BPBD's personnel officer: its own unit only
    "auditor": ("auditor", "demo-auditor-2026"),  # reads the audit trail, changes nothing
}
PARTNER_OF = {"mitra": "UNIMAL"}
UNIT_OF = {"opd": "OPD-BPBD"}
TECHNICAL = [  # code, name, the OPDs whose staff positions require it
    ("T-KURIKULUM", "Implementasi Kurikulum Merdeka", ["OPD-DISDIK"]),
    ("T-YANKES", "Manajemen Pelayanan Kesehatan Primer", ["OPD-DINKES"]),
    ("T-GIS", "Analisis Geospasial untuk Kebencanaan", ["OPD-BPBD", "OPD-DPUPR", "OPD-DLH"]),
    ("T-SPBE", "Sistem Pemerintahan Berbasis Elektronik", ["OPD-DISKOMINFO", "OPD-DISDUKCAPIL"]),
    ("T-MANAJEMEN-ASN", "Manajemen ASN dan Sistem Merit", ["OPD-BKPSDM", "OPD-SETDA"]),
    ("T-PERENCANAAN", "Perencanaan dan Penganggaran Daerah", ["OPD-BAPPEDA", "OPD-DINSOS"]),
    ("T-SIPD", "Pengelolaan Keuangan Daerah dengan SIPD", ["OPD-BPKD"]),
    ("T-PBJ", "Pengadaan Barang/Jasa Pemerintah", ["OPD-DPUPR", "OPD-SETDA"]),
]
PARTNERS = [
    ("UNIMAL", "Universitas Malikussaleh", "university"),
    ("PNL", "Politeknik Negeri Lhokseumawe", "university"),
    ("BPSDM-ACEH", "BPSDM Aceh", "training_agency"),
]
PROGRAMS = [  # code, title, form, JP (or days), partner, competency, target level, month of the batch
    ("PLT-SIPD", "Pelatihan Penatausahaan Keuangan Daerah dengan SIPD", "pelatihan", 24, "PNL", "T-SIPD", 3, 2),
    ("PLT-PBJ", "Pelatihan dan Sertifikasi Pengadaan Barang/Jasa", "pelatihan", 32, "BPSDM-ACEH", "T-PBJ", 3, 3),
    ("BIMTEK-GIS", "Bimtek Pemetaan Risiko Bencana dengan QGIS", "bimtek", 24, "UNIMAL", "T-GIS", 3, 5),
    ("WS-SPBE", "Workshop Arsitektur SPBE Kota", "workshop", 3, "PNL", "T-SPBE", 3, 7),
    ("PLT-PELAYANAN", "Pelatihan Pelayanan Publik Prima", "pelatihan", 20, "BPSDM-ACEH", "M-PELAYANANPUBLIK", 3, 8),
    ("SEM-INTEGRITAS", "Seminar Integritas dan Budaya Antikorupsi", "seminar", 2, "BPSDM-ACEH", "M-INTEGRITAS", 3, 9),
    ("MAGANG-DATA", "Magang Pengelolaan Satu Data di Diskominfo Aceh", "magang", 7, "UNIMAL", "T-SPBE", 3, 10),
    ("PLT-MERIT", "Pelatihan Manajemen ASN dan Sistem Merit", "pelatihan", 24, "UNIMAL", "T-MANAJEMEN-ASN", 3, 0),
    ("PLT-PERENCANAAN", "Pelatihan Perencanaan Berbasis Kinerja", "pelatihan", 24, "PNL", "T-PERENCANAAN", 3, 12),
    ("KURSUS-KURIKULUM", "Kursus Implementasi Kurikulum Merdeka", "kursus", 30, "UNIMAL", "T-KURIKULUM", 3, 12),
]  # month 0: the batch runs this week
PARTICIPANTS = 14


def say(message: str) -> None:
    print(f"demo: {message}", flush=True)


# --- seed: needs and gateway, in process -----------------------------------------------------------


def seed(needs_url: str, gateway_url: str) -> None:
    settings = NeedsSettings.from_env("needs")
    needs = Database(needs_url)
    with UnitOfWork(needs, Outbox, settings.kafka_topic_prefix) as uow:
        if uow.session.scalar(select(Employee.nip).limit(1)) is not None:
            say("needs data present: seed skipped")
        else:
            _seed_needs(needs, settings)
    _seed_accounts(Database(gateway_url), needs)


def _seed_needs(needs: Database, settings: NeedsSettings) -> None:
    with UnitOfWork(needs, Outbox, settings.kafka_topic_prefix) as uow:
        counts = needs_handlers.seed_dictionary(uow)
    say(f"competencies: {counts['competencies']} national, {len(TECHNICAL)} technical")
    with UnitOfWork(needs, Outbox, settings.kafka_topic_prefix) as uow:
        for code, name, _units in TECHNICAL:
            needs_handlers.create_competency(
                uow,
                CompetencyDetails(
                    code=code,
                    name=name,
                    group="teknis",
                    description=f"Kompetensi teknis: {name}.",
                    level_descriptors=("Dasar", "Cakap", "Mahir", "Ahli", "Pakar"),
                ),
            )
    records = generate_employees(EMPLOYEES, seed=2026)
    with UnitOfWork(needs, Outbox, settings.kafka_topic_prefix) as uow:
        run_id = runs.start_run(
            uow, settings, source="file:ekspor-simpeg-demo.xlsx", trigger="demo", requested_by="demo"
        ).id
    report = runs.run_import(needs, settings, run_id, list(enumerate(records, start=2)))
    say(f"ASN imported from a SIMPEG export: {report['added']} added, {report['positions_added']} positions")
    rng = random.Random(2026)
    technical_of = {unit: code for code, _name, units in TECHNICAL for unit in reversed(units)}
    with UnitOfWork(needs, Outbox, settings.kafka_topic_prefix) as uow:
        for position in uow.session.scalars(select(Position)).all():
            unit = next((u for u, _name in OPDS if position.code.startswith(u + "-")), None)
            if unit in technical_of:
                required = 4 if position.position_class in ("jpt", "administrator") else 3
                uow.session.add(
                    PositionStandard(
                        position_code=position.code, competency_code=technical_of[unit], required_level=required
                    )
                )
        codes = [c.code for c in uow.session.scalars(select(Competency))]
        year_start = dt.date(settings.today().year, 1, 1)
        for employee in uow.session.scalars(select(Employee)).all():
            for code in codes:
                if rng.random() < 0.85:
                    uow.session.add(
                        AssessmentRecord(
                            id=str(uuid.uuid4()),
                            nip=employee.nip,
                            competency_code=code,
                            level=rng.choice([1, 2, 2, 3, 3, 3, 4]),
                            source=rng.choice(["supervisor", "supervisor", "self", "assessment_centre"]),
                            assessed_on=year_start + dt.timedelta(days=rng.randrange(0, 40)),
                            evidence="Pemetaan awal tahun",
                        )
                    )
        uow.session.flush()
        _head, learner = demo_people(uow.session)
        uow.session.add(
            AssessmentRecord(
                id=str(uuid.uuid4()),
                nip=learner,
                competency_code="T-GIS",
                level=1,
                source="assessment_centre",
                assessed_on=year_start + dt.timedelta(days=45),
                evidence="Assessment center BKPSDM",
            )
        )
        uow.session.flush()
        reports = needs_handlers.run_recompute(uow, settings, None)
    say(f"gaps computed: {sum(r.needs_opened for r in reports)} needs opened")


def demo_people(session) -> tuple[str, str]:
    """The NIPs behind the ``atasan`` and ``pegawai`` logins: the head of BPBD and the first PNS under them.
    The demo keeps ``pegawai`` out of its own trainings and gives them a T-GIS gap, so that a visitor can take
    them through the whole loop: nominate, attend, close, give feedback, assess the project."""
    head = session.scalar(
        select(Employee.nip).where(Employee.unit_code == "OPD-BPBD", Employee.supervisor_nip.is_(None))
    )
    staff = session.scalar(
        select(Employee.nip)
        .where(Employee.supervisor_nip == head, Employee.employment_status == "PNS")
        .order_by(Employee.nip)
    )
    return head, staff


def _seed_accounts(gateway: Database, needs: Database) -> None:
    with needs.sessions() as session:
        head, staff = demo_people(session)
    nips = {"atasan": head, "pegawai": staff}
    for username, (role, password) in PASSWORDS.items():
        with UnitOfWork(gateway, None) as uow:
            if uow.session.get(Account, username) is None:
                gateway_handlers.create_account(
                    uow,
                    username,
                    password,
                    [role],
                    nips.get(username),
                    partner_code=PARTNER_OF.get(username),
                    unit_code=UNIT_OF.get(username),
                )
    say("demo logins ready")


# --- activity: training and evaluation over HTTP ---------------------------------------------------


class Caller:
    """HTTP to the services as a given person, with the identity header the gateway would send."""

    def __init__(self, urls: dict[str, str], secret: str) -> None:
        self.urls, self.secret, self.http = urls, secret, requests.Session()

    def __call__(self, method: str, service: str, path: str, who: Identity, expect=(200, 201), **kwargs) -> Any:
        headers = {HEADER: encode(who, self.secret), "X-Request-Id": str(uuid.uuid4())}
        answer = self.http.request(method, self.urls[service] + path, headers=headers, timeout=60, **kwargs)
        if answer.status_code not in expect:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:500]}")
        return answer.json() if answer.content else None


ADMIN = Identity("bkpsdm", ("admin",))


def activity(call: Caller, today: dt.date, learner: str) -> None:
    if call("GET", "training", "/api/v1/training/programs", ADMIN):
        say("programs present: activity skipped")
        return
    keys = {}
    for code, name, kind in PARTNERS:
        partner = call(
            "POST", "training", "/api/v1/training/partners", ADMIN, json={"code": code, "name": name, "kind": kind}
        )
        keys[code] = partner["credential"]["key_id"]
    say(f"partners: {', '.join(code for code, _n, _k in PARTNERS)}")
    rng = random.Random(11)
    closed = []
    names = {c["code"]: c["name"] for c in call("GET", "needs", "/api/v1/needs/competencies", ADMIN)}
    table = forms.load(os.environ.get("JP_CONVERSION_FILE") or None)
    for number, (code, title, form, length, partner, competency, level, month) in enumerate(PROGRAMS, start=1):
        counted_in_jp = table.of(form).unit == "jp"  # else its length: days of a seminar, a workshop, a magang
        program = call(
            "POST",
            "training",
            "/api/v1/training/programs",
            ADMIN,
            json={
                "code": f"{code}-{today.year}",
                "title": title,
                "form": form,
                "delivery": "klasikal" if forms.KIND_OF[form] == "klasikal" else "nonklasikal",
                "jp": length if counted_in_jp else None,
                "quantity": None if counted_in_jp else length,
                "partner_code": partner,
                "capacity": 30,
                "competencies": [{"code": competency, "target_level": level, "name": names[competency]}],
            },
        )
        first = _first_day(today, month)
        days = [first + dt.timedelta(days=d) for d in range(3)]
        batch = call(
            "POST",
            "training",
            f"/api/v1/training/programs/{program['id']}/batches",
            ADMIN,
            json={
                "meetings": [
                    {
                        "date": day.isoformat(),
                        "starts_at": "08:00",
                        "ends_at": "16:00",
                        "place": "Aula BKPSDM Lhokseumawe",
                    }
                    for day in days
                ]
            },
        )
        call(
            "PUT", "training", f"/api/v1/training/programs/{program['id']}/status", ADMIN, json={"status": "published"}
        )
        candidates = _settled(
            f"candidates for {code}",
            lambda b=batch: call("GET", "training", f"/api/v1/training/batches/{b['id']}/candidates", ADMIN),
        )
        nips = [c["nip"] for c in candidates if c["nip"] != learner][:PARTICIPANTS]
        call("POST", "training", f"/api/v1/training/batches/{batch['id']}/enrollments", ADMIN, json={"nips": nips})
        ended = days[-1] < today
        if ended or days[0] <= today:
            now = dt.datetime.now(dt.UTC).isoformat()  # today's meeting: recorded now, never ahead of the clock
            partner_who = Identity(keys[partner], ("partner",), partner)
            records = [
                {
                    "event_id": f"demo-{batch['id']}-{nip}-{m}",
                    "batch_id": batch["id"],
                    "nip": nip,
                    "meeting_no": m,
                    "status": "present" if rng.random() < 0.93 else "absent",
                    "recorded_at": f"{day.isoformat()}T08:10:00+07:00" if day < today else now,
                }
                for nip in nips
                for m, day in enumerate(days, start=1)
                if day <= today
            ]
            call("POST", "training", "/api/v1/training/partner/attendance", partner_who, json={"records": records})
        if ended and table.of(form).evidence != "certificate":  # a magang's report, a workshop's product
            for nip in nips[:-1]:  # one participant never hands theirs in
                call(
                    "PUT",
                    "training",
                    f"/api/v1/training/partner/batches/{batch['id']}/enrollments/{nip}/evidence",
                    Identity(keys[partner], ("partner",), partner),
                    json={"evidence": f"{title}: hasil peserta {nip[-4:]}"},
                )
        if ended:
            decisions = call("POST", "training", f"/api/v1/training/batches/{batch['id']}/close", ADMIN)
            completed = sum(d["status"] == "completed" for d in decisions)
            closed.append((program, batch, completed, partner, competency))
        say(f"program {number}/{len(PROGRAMS)}: {title} ({days[0]:%d-%m-%Y}, {len(nips)} peserta)")
    by_form = evaluation_domain.levels_by_form(os.environ.get("EVALUATION_LEVELS_BY_FORM", ""))
    by_table = {code: conversion.levels for code, conversion in table.forms.items()}
    for index, (program, batch, completed, partner, competency) in enumerate(closed, start=1):
        answered = 1.0 if index < len(closed) else 0.6  # the latest batch is still being evaluated
        levels = len(evaluation_domain.levels_of(program["form"], by_form, by_table))  # a seminar: the feedback alone
        partner_user = Identity(keys[partner], ("partner",), partner)
        _evaluate(call, rng, batch, completed * levels, partner_user, competency, index, answered)
        say(f"evaluations {index}/{len(closed)}: {program['title']}")


def _first_day(today: dt.date, month: int) -> dt.date:
    """The Monday of the second week of the batch's month; month 0: yesterday (the batch runs today)."""
    if month == 0:
        return today - dt.timedelta(days=1)
    day = dt.date(today.year, month, 8)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _evaluate(
    call: Caller,
    rng: random.Random,
    batch: dict,
    expected: int,
    partner: Identity,
    competency: str,
    index: int,
    answered: float,
) -> None:
    """The ``expected`` tasks of the completed participants (one per level their program's form is evaluated on),
    once the evaluation worker has created them; the share ``answered`` of feedback and project assessments is
    submitted (all: the program gets its figures)."""
    tasks = _wait(
        f"evaluation tasks of batch {batch['id']}",
        lambda: (lambda found: found if len(found) >= expected else None)(
            call("GET", "evaluation", f"/api/v1/evaluation/tasks?batch_id={batch['id']}&page_size=100", ADMIN)
        ),
    )
    for task in tasks:
        path = f"/api/v1/evaluation/tasks/{task['id']}/submission"
        if task["kind"] == "reaction" and rng.random() < answered:
            who = Identity(task["nip"], ("employee",))
            call(
                "POST",
                "evaluation",
                path,
                who,
                expect=(201, 409),
                json={
                    "content": rng.choice([3, 4, 4, 5, 5]),
                    "trainer": rng.choice([3, 4, 5, 5]),
                    "relevance": rng.choice([2, 4, 4, 5]),
                    "organisation": rng.choice([3, 4, 4, 5]),
                    "themes": rng.sample(
                        ["materi", "narasumber", "praktik", "waktu", "fasilitas", "relevansi_tugas"], 2
                    ),
                    "comments": rng.choice(
                        ["", "Materi sangat bermanfaat untuk tugas sehari-hari.", "Waktu praktik kurang."]
                    ),
                },
            )
        elif task["kind"] == "learning":
            pre = rng.randint(35, 65)
            gain = rng.randint(5, 35) if index % 3 else rng.randint(-5, 10)  # one program in three barely helps
            call(
                "POST",
                "evaluation",
                path,
                partner,
                expect=(201, 409),
                json={"pre_score": pre, "post_score": min(100, pre + gain)},
            )
        elif task["kind"] == "behavior" and rng.random() < answered:
            # BKPSDM stands in where the participant has no supervisor on record (an OPD head)
            who = Identity(task["assignee_nip"], ("supervisor",)) if task["assignee_nip"] else ADMIN
            call(
                "POST",
                "evaluation",
                path,
                who,
                expect=(201, 409),
                json={
                    "project_title": "Proyek perubahan pascapelatihan",
                    "description": "Penerapan hasil pelatihan pada pekerjaan di unit kerja, dengan keluaran yang terukur.",
                    "rubric": [{"competency_code": competency, "level": rng.choice([2, 3, 3, 4])}],
                },
            )


SETTLE_SECONDS = max(180.0, EMPLOYEES * 0.25)  # a larger city's events take the workers longer to read


def _settled(what: str, probe, timeout: float = SETTLE_SECONDS):
    """The probe's answer once it is not empty and has kept its length for two more seconds (the
    training service may still be reading the needs service's events)."""
    lengths: list[int] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        lengths = [*lengths[-2:], len(value or [])]
        if value and len(lengths) == 3 and len(set(lengths)) == 1:
            return value
        time.sleep(1.0)
    raise RuntimeError(f"timed out waiting for {what}: are the workers running? (see the honcho output)")


def _wait(what: str, probe, timeout: float = SETTLE_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.5)
    raise RuntimeError(f"timed out waiting for {what}: are the workers running? (see the honcho output)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["seed", "activity"])
    args = parser.parse_args(argv)
    if args.step == "seed":
        seed(os.environ["NEEDS_DATABASE_URL"], os.environ["GATEWAY_DATABASE_URL"])
    else:
        urls = {s: os.environ[f"{s.upper()}_URL"] for s in ("needs", "training", "evaluation")}
        today = NeedsSettings.from_env("needs").today()
        with Database(os.environ["DATABASE_URL"]).sessions() as session:
            _head, learner = demo_people(session)
        activity(Caller(urls, os.environ["INTERNAL_IDENTITY_SECRET"]), today, learner)
    return 0


if __name__ == "__main__":
    sys.exit(main())
