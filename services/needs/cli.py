"""``bangkom needs …``: the needs service's commands for BKPSDM operators and cron."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from services.needs import handlers, schemas
from services.needs.config import NeedsSettings, load_settings
from services.needs.models import Outbox
from shared import sheets
from shared.db import UnitOfWork
from shared.service import ServiceContext


def _uow() -> tuple[UnitOfWork, NeedsSettings]:
    service = ServiceContext.create(load_settings(), Outbox)
    return service.uow(), service.settings


@click.group(help="Needs assessment: competency dictionary, employees, gaps and needs.")
def needs() -> None:
    pass


@needs.command(help="Load (or refresh) the national managerial competencies, Perekat Bangsa and the class defaults.")
def seed() -> None:
    uow, _ = _uow()
    with uow:
        counts = handlers.seed_dictionary(uow)
    click.echo(f"competencies: {counts['competencies']}, new class standard entries: {counts['class_standards']}")


def _read_rows(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines(), delimiter=sheets.delimiter_of(text)))
        for row in rows:  # empty cells are absent values; the active column reads 1/0, true/false, ya/tidak
            for key in [k for k, v in row.items() if v == ""]:
                row[key] = None
            if row.get("active") is not None:
                row["active"] = row["active"].strip().lower() in {"1", "true", "ya", "y", "yes"}
        return rows
    if path.suffix.lower() == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    data = json.loads(text)
    return data["employees"] if isinstance(data, dict) else data


@needs.command(
    "upsert-employees", help="Insert or update employees from a JSON, JSON-lines or CSV file (our field names)."
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--chunk", default=1000, show_default=True, help="Employees per transaction.")
def upsert_employees(path: Path, chunk: int) -> None:
    rows = _read_rows(path)
    uow, settings = _uow()
    totals = {"received": 0, "added": 0, "updated": 0, "unchanged": 0}
    rejected = []
    with click.progressbar(length=len(rows), label="Menyimpan pegawai", file=sys.stderr) as bar:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            with uow:
                report = handlers.upsert_employees(uow, settings, part, schemas.EmployeeSchema().load)
            for key in totals:
                totals[key] += report[key]
            rejected += [{**r, "row": r["row"] + start + 1} for r in report["rejected"]]
            bar.update(len(part))
    click.echo(
        f"received {totals['received']}, added {totals['added']}, updated {totals['updated']}, "
        f"unchanged {totals['unchanged']}, rejected {len(rejected)}"
    )
    for rejection in rejected:
        problems = "; ".join(f"{e['field']}: {e['message']}" for e in rejection["errors"])
        click.echo(f"  row {rejection['row']} (NIP {rejection['nip']}): {problems}", err=True)
    if rejected:
        sys.exit(1)


@needs.command(help="Recompute every gap and need (default: this year and the years with active needs).")
@click.option("--year", type=int, default=None)
def recompute(year: int | None) -> None:
    uow, settings = _uow()
    with uow:
        reports = handlers.run_recompute(uow, settings, year)
    for r in reports:
        closed = ", ".join(f"{k} {v}" for k, v in r.needs_closed.items())
        click.echo(
            f"{r.year}: {r.gap_rows} gap rows; needs opened {r.needs_opened}, updated {r.needs_updated}; closed: {closed}"
        )
