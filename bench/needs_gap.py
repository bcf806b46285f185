"""How long a full gap recompute takes, set-based in SQL, against the same work row by row through the ORM.

    make bench-needs                 # or: deploy/local/with-infra.sh .venv/bin/python bench/needs_gap.py
    .venv/bin/python bench/needs_gap.py --employees 100000 --competencies 30 --orm-sample 2000

Builds a throw-away PostgreSQL database with N employees, each holding a position whose standard has
C competencies, and about half of the (employee, competency) pairs assessed. Then times:
- the set-based recompute of every gap (one INSERT … SELECT: services.needs.repository.rebuild_gaps);
- opening the development needs and their events for those gaps (sync_needs + the outbox);
- the same gap computation row by row through the ORM (load the employee, the standard, the
  assessments; apply the domain rules in Python; add a Gap object), on a sample of employees,
  extrapolated to N, and checked to give the same rows as SQL.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.figures import record  # noqa: E402
from services.needs import domain, handlers, repository  # noqa: E402
from services.needs.commands import CompetencyChange, Priority, StandardLevel  # noqa: E402
from services.needs.config import NeedsSettings  # noqa: E402
from services.needs.models import (  # noqa: E402
    AssessmentRecord,
    ClassStandard,
    Competency,
    Employee,
    Gap,
    JpCredit,
    Outbox,  # noqa: E402
    Position,
    PositionStandard,
    PriorityCompetency,
    StrategicPriority,
)
from shared.db import Database, UnitOfWork  # noqa: E402
from shared.migrations import upgrade  # noqa: E402

YEAR = 2026
POLICY = repository.GapPolicy()


def codes_of(database: Database) -> list[str]:
    with database.sessions() as session:
        return list(session.scalars(select(Competency.code).order_by(Competency.code)))


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def copy_rows(database: Database, table: str, columns: list[str], rows) -> None:
    """Bulk load with PostgreSQL COPY (psycopg 3)."""
    raw = database.engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def build(database: Database, employees: int, competencies: int, seed: int) -> None:
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    codes = [f"K{i:03d}" for i in range(competencies)]
    with database.sessions() as session, session.begin():
        session.add_all(
            Competency(
                code=c,
                name=f"Kompetensi {c}",
                group=domain.GROUPS[i % 3],
                description="",
                level_descriptors=["1", "2", "3", "4", "5"],
                active=True,
            )
            for i, c in enumerate(codes)
        )
        session.flush()
        session.add_all(ClassStandard(position_class="pelaksana", competency_code=c, required_level=2) for c in codes)
        positions = [f"JAB{i:03d}" for i in range(200)]
        session.add_all(Position(code=p, name=f"Jabatan {p}", position_class="pelaksana") for p in positions)
        session.flush()
        session.add_all(
            PositionStandard(position_code=p, competency_code=c, required_level=rng.randint(1, 5))
            for p in positions
            for c in rng.sample(codes, k=competencies // 2)
        )
        theme = StrategicPriority(plan_year=YEAR, code="DIGITAL", name="Transformasi digital", weight=0.5)
        session.add(theme)
        session.flush()
        session.add_all(PriorityCompetency(priority_id=theme.id, competency_code=c) for c in codes[:5])
    say(f"  loading {employees} employees …")
    unique_nips = []  # birth date and serial together are unique
    for n in range(employees):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)
        unique_nips.append(f"{born:%Y%m%d}{born.year + 25}{(n % 12) + 1:02d}{1 + n % 2}{n % 1000:03d}")
    copy_rows(
        database,
        "employees",
        ["nip", "name", "position_code", "unit_code", "unit_name", "employment_status", "active", "updated_at"],
        (
            (
                nip,
                f"Pegawai {i}",
                positions[i % len(positions)],
                f"OPD{i % 12:02d}",
                f"OPD {i % 12}",
                "PNS" if i % 5 else "PPPK",
                True,
                now,
            )
            for i, nip in enumerate(unique_nips)
        ),
    )
    say(f"  loading about {employees * competencies // 2} assessments …")
    sources = domain.SOURCES

    def assessments():
        for nip in unique_nips:
            for c in codes:
                if rng.random() < 0.5:
                    yield (
                        str(uuid.uuid4()),
                        nip,
                        c,
                        rng.randint(1, 5),
                        rng.choice(sources),
                        dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randint(0, 300)),
                        "",
                        now,
                    )

    copy_rows(
        database,
        "assessments",
        ["id", "nip", "competency_code", "level", "source", "assessed_on", "evidence", "recorded_at"],
        assessments(),
    )
    copy_rows(
        database,
        "jp_credits",
        [
            "credit_id",
            "nip",
            "year",
            "jp",
            "program_id",
            "program_title",
            "form",
            "completed_on",
            "competencies",
            "recorded_at",
        ],
        (
            (
                str(uuid.uuid4()),
                nip,
                YEAR,
                rng.choice([8, 16, 24]),
                "p",
                "Program",
                "pelatihan",
                dt.date(YEAR, 6, 1),
                "[]",
                now,
            )
            for nip in unique_nips[::3]
        ),
    )
    with database.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def orm_row_by_row(database: Database, nips: list[str]) -> dict[tuple[str, str], tuple[int, int, float]]:
    """The gap computation one ORM object at a time, through the same domain rules."""
    results = {}
    with database.sessions() as session, session.begin():
        weights: dict[str, float] = {}
        for pc in session.scalars(select(PriorityCompetency)):
            theme = session.get(StrategicPriority, pc.priority_id)
            if theme.plan_year == YEAR:
                weights[pc.competency_code] = max(weights.get(pc.competency_code, 0.0), theme.weight)
        for nip in nips:
            employee = session.get(Employee, nip)
            position = session.get(Position, employee.position_code)
            default = {
                s.competency_code: s.required_level
                for s in session.scalars(
                    select(ClassStandard).where(ClassStandard.position_class == position.position_class)
                )
            }
            overrides = {
                s.competency_code: s.required_level
                for s in session.scalars(
                    select(PositionStandard).where(PositionStandard.position_code == position.code)
                )
            }
            realised = sum(
                c.jp for c in session.scalars(select(JpCredit).where(JpCredit.nip == nip, JpCredit.year == YEAR))
            )
            target = domain.jp_target(employee.employment_status, POLICY.jp_rules)
            shortfall = domain.jp_shortfall(realised, target)
            for code, required in domain.effective_standard(default, overrides).items():
                competency = session.get(Competency, code)
                records = session.scalars(
                    select(AssessmentRecord).where(
                        AssessmentRecord.nip == nip, AssessmentRecord.competency_code == code
                    )
                ).all()
                current = domain.current_level(
                    (domain.Assessment(a.level, a.source, a.assessed_on, a.recorded_at) for a in records),
                    POLICY.valid_since,
                )
                gap = 0 if current is None else domain.gap(required, current)
                priority = round(
                    domain.priority_score(
                        gap, weights.get(code, 0.0), shortfall, domain.priority_scale(POLICY.jp_rules)
                    ),
                    2,
                )
                session.add(
                    Gap(
                        year=YEAR + 1,
                        nip=nip,
                        competency_code=code,
                        unit_code=employee.unit_code,
                        competency_group=competency.group,
                        required_level=required,
                        current_level=current,
                        assessed=current is not None,
                        gap=gap,
                        strategic_weight=weights.get(code, 0.0),
                        jp_shortfall=shortfall,
                        priority_score=priority,
                    )
                )
                results[(nip, code)] = (current, gap, priority)
            session.flush()
        session.rollback()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--competencies", type=int, default=30)
    parser.add_argument("--orm-sample", type=int, default=2_000)
    parser.add_argument("--skip-needs", action="store_true", help="time only the gap computation")
    parser.add_argument(
        "--skip-worker", action="store_true", help="leave the recomputes the changes queued unrun (1,000,000 ASN)"
    )
    args = parser.parse_args()
    admin_url = os.environ.get(
        "TEST_DATABASE_ADMIN_URL", "postgresql+psycopg://bangkom:bangkom@127.0.0.1:15432/postgres"
    )
    name = f"bangkom_bench_needs_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    database = Database(url)
    try:
        say(f"building {args.employees} employees × {args.competencies} competencies in {name}")
        upgrade("services.needs", url)
        build(database, args.employees, args.competencies, seed=42)

        say("set-based recompute …")
        start = time.perf_counter()
        with database.sessions() as session, session.begin():
            rows = repository.rebuild_gaps(session, YEAR, POLICY)
        set_seconds = time.perf_counter() - start

        say("baseline: a bare INSERT … SELECT of as many rows into a table of the same shape …")
        with database.sessions() as session, session.begin():
            session.execute(text("CREATE TABLE gaps_baseline (LIKE gaps INCLUDING ALL)"))
        start = time.perf_counter()
        with database.sessions() as session, session.begin():
            session.execute(text("INSERT INTO gaps_baseline SELECT * FROM gaps"))
        bare_seconds = time.perf_counter() - start

        needs_line = ""
        if not args.skip_needs:
            say("opening needs and their events …")
            start = time.perf_counter()
            with UnitOfWork(database, Outbox) as uow:
                report = repository.RecomputeReport(year=YEAR, employees=None)
                repository.sync_needs(uow.session, YEAR, None, report, outbox=uow)
                uow.commit()
            needs_seconds = time.perf_counter() - start
            needs_line = (
                f"  needs opened with their events      {needs_seconds:8.1f} s   "
                f"{report.needs_opened} needs, {report.needs_opened / needs_seconds:,.0f}/s"
            )
            record(
                "needs opened with their events",
                report.needs_opened / needs_seconds,
                "needs/s",
                goal="≥ 50,000/s",
                met=report.needs_opened / needs_seconds >= 50_000,
            )

        say("one position's standard changed, with 1,000 holders …")
        settings = NeedsSettings(service="needs", database_url=url)
        with UnitOfWork(database, Outbox) as uow:  # JAB000 gets other positions' holders up to 1,000 (not timed)
            per_position = max(1, args.employees // 200)
            others = [f"JAB{i:03d}" for i in range(1, min(200, -(-1000 // per_position)))]
            uow.session.execute(
                update(Employee).where(Employee.position_code.in_(others)).values(position_code="JAB000")
            )
            holders = list(uow.session.scalars(select(Employee.nip).where(Employee.position_code == "JAB000")))
            handlers.recompute(uow, settings, years=[YEAR], nips=holders)
            uow.commit()
        # what an officer does: the position's list sent back with two entries raised by one level
        with database.sessions() as session:
            own = session.execute(
                select(PositionStandard.competency_code, PositionStandard.required_level)
                .where(PositionStandard.position_code == "JAB000")
                .order_by(PositionStandard.competency_code)
            ).all()
        changes = []  # five edits, raising and lowering again: the first after the big fill runs cold
        for round_ in range(5):
            items = [
                StandardLevel(
                    competency_code=c,
                    required_level=(min(5, level + 1) if round_ % 2 == 0 else level) if i < 2 else level,
                )
                for i, (c, level) in enumerate(own)
            ]
            start = time.perf_counter()
            with UnitOfWork(database, Outbox) as uow:
                handlers.replace_position_standard(uow, settings, "JAB000", items)
            changes.append(time.perf_counter() - start)
        standard_seconds = statistics.median(changes)
        say("the same change in whole: the standard replaced by 5 entries at level 5 …")
        items = [StandardLevel(competency_code=c, required_level=5) for c in codes_of(database)[:5]]
        start = time.perf_counter()
        with UnitOfWork(database, Outbox) as uow:
            handlers.replace_position_standard(uow, settings, "JAB000", items)
        rewrite_seconds = time.perf_counter() - start

        say("a competency made inactive, then active again; a year's priority theme weighted anew …")
        toggles = []
        with database.sessions() as session:
            k029 = session.get(Competency, "K029")
            as_it_is = CompetencyChange(
                name=k029.name,
                group=k029.group,
                description=k029.description,
                level_descriptors=tuple(k029.level_descriptors),
            )
        for active in (False, True):
            start = time.perf_counter()
            with UnitOfWork(database, Outbox) as uow:
                handlers.update_competency(uow, settings, "K029", dataclasses.replace(as_it_is, active=active))
            toggles.append(time.perf_counter() - start)
        theme = [
            Priority(
                code="DIGITAL", name="Transformasi digital", weight=0.8, competencies=tuple(codes_of(database)[:5])
            )
        ]
        start = time.perf_counter()
        with UnitOfWork(database, Outbox) as uow:
            handlers.replace_priorities(uow, settings, YEAR, theme)
        priorities_seconds = time.perf_counter() - start
        start = time.perf_counter()  # what the requests queued (above RECOMPUTE_INLINE_MAX ASN), as the worker runs it
        queued = 0
        while not args.skip_worker and handlers.run_queued_recompute(database, settings):
            queued += 1
        worker_seconds = time.perf_counter() - start
        if queued:
            chunks = queued * -(-args.employees // settings.recompute_chunk_size)
            record(
                f"a queued recompute, per chunk of {settings.recompute_chunk_size:,} ASN ({args.employees:,} ASN)",
                worker_seconds / chunks * 1000,
                "ms",
                goal="(context: the worker's pace, progress shown)",
                met=None,
            )

        sample = sorted(repository_sample(database, args.orm_sample))
        say(f"ORM row by row on {len(sample)} employees …")
        start = time.perf_counter()
        orm = orm_row_by_row(database, sample)
        orm_seconds = time.perf_counter() - start
        orm_full = orm_seconds * args.employees / len(sample)

        with database.sessions() as session:
            sql = {
                (g.nip, g.competency_code): (g.current_level, g.gap, g.priority_score)
                for g in session.scalars(select(Gap).where(Gap.year == YEAR, Gap.nip.in_(sample)))
            }
        agree = "yes" if sql == orm else f"NO ({len(set(sql.items()) ^ set(orm.items()))} rows differ)"
        if args.skip_worker and queued_left(database):
            agree = "not compared (the changes' recomputes were left queued: --skip-worker)"

        print(
            f"\nneeds gap recompute, {args.employees:,} employees × {args.competencies} competencies "
            f"({rows:,} gap rows) on PostgreSQL"
        )
        print(f"  set-based (INSERT … SELECT)         {set_seconds:8.1f} s   {rows / set_seconds:,.0f} rows/s")
        if needs_line:
            print(needs_line)
        print(
            f"  ORM row by row, {len(sample):,} employees      {orm_seconds:8.1f} s   "
            f"{len(orm) / orm_seconds:,.0f} rows/s"
        )
        print(f"  ORM row by row, extrapolated to all {orm_full:8.0f} s")
        print(f"  ratio ORM / set-based               {orm_full / set_seconds:8.1f} ×")
        print(f"  same rows from both (sample)        {agree:>8}")
        print(
            f"  one position's standard changed     {standard_seconds * 1000:8.0f} ms  "
            f"({len(holders):,} holders: their gaps and needs; two entries raised or lowered; median of 5, "
            f"worst {max(changes) * 1000:.0f} ms)"
        )
        print(
            f"  one position's standard rewritten   {rewrite_seconds * 1000:8.0f} ms  "
            f"(15 entries and the class default → 5 entries at level 5)"
        )
        print(
            f"  a competency made inactive / active {toggles[0] * 1000:5.0f} / {toggles[1] * 1000:.0f} ms  "
            f"(its holders' rows of it alone)"
        )
        print(
            f"  a year's theme weighted anew        {priorities_seconds * 1000:8.0f} ms  "
            f"(5 competencies' rows of all {args.employees:,} ASN)"
        )
        print(
            f"  the recomputes they queued, run      {worker_seconds:8.1f} s   ({queued} runs, as the worker runs them)"
        )
        print(
            f"  bare INSERT … SELECT (baseline)     {bare_seconds:8.1f} s   recompute = {set_seconds / bare_seconds:.2f} × it"
        )
        record(
            f"gap recompute, {args.employees:,} × {args.competencies} (set-based)",
            set_seconds,
            "s",
            baseline=bare_seconds,
            baseline_name="bare INSERT … SELECT",
            goal="≤ 1.3 × bare INSERT … SELECT",
            met=set_seconds <= 1.3 * bare_seconds,
        )
        record(
            f"one position's standard: two entries changed, {len(holders):,} holders (median of 5)",
            standard_seconds * 1000,
            "ms",
            goal="< 200 ms for 1,000",
            met=(standard_seconds < 0.2) if len(holders) >= 1000 else None,
        )
        record(
            f"a competency made inactive, {args.employees:,} ASN",
            toggles[0] * 1000,
            "ms",
            goal="< 200 ms (a dictionary change)",
            met=toggles[0] < 0.2,
        )
        record(
            f"a year's priority theme weighted anew, {args.employees:,} ASN",
            priorities_seconds * 1000,
            "ms",
            goal="< 200 ms (or in the worker)",
            met=priorities_seconds < 0.2,
        )
        record(
            f"one position's standard rewritten (20 of 30 entries), {len(holders):,} holders",
            rewrite_seconds * 1000,
            "ms",
            goal="(for comparison)",
            met=None,
        )
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def queued_left(database: Database) -> int:
    """Recompute runs still queued: the gap rows of the competencies they concern are not yet the changes' own."""
    from services.needs.models import RecomputeRun

    with database.sessions() as session:
        return len(session.scalars(select(RecomputeRun.id).where(RecomputeRun.status == "queued")).all())


def repository_sample(database: Database, size: int) -> list[str]:
    with database.sessions() as session:
        return list(session.scalars(select(Employee.nip).order_by(Employee.nip).limit(size)))


if __name__ == "__main__":
    main()
