"""`bangkom simpeg …`: the SIMPEG integration from the command line (docs/simpeg.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from services.needs.cli import _uow
from services.needs.simpeg import views as simpeg_views

EXIT_BUSY = 3  # another employee sync or import holds the lock (cron: try again at the next run)


@click.group(help="SIMPEG: employees in, training history out, reconciled (docs/simpeg.md).")
def simpeg() -> None:
    pass


def _client(settings):
    from services.needs.simpeg.client import SimpegClient

    if not settings.simpeg_base_url:
        raise click.ClickException(
            "SIMPEG is not configured: set SIMPEG_BASE_URL, SIMPEG_CLIENT_ID, SIMPEG_CLIENT_SECRET."
        )
    return SimpegClient.from_settings(settings)


def _print_report(report: dict) -> None:
    click.echo(
        f"received {report['received']}, added {report['added']}, updated {report['updated']}, "
        f"unchanged {report['unchanged']}, deactivated {report['deactivated']}, "
        f"new positions {report['positions_added']}, rejected {len(report['rejected'])}"
    )
    for rejection in report["rejected"]:
        problems = "; ".join(f"{e['field']}: {e['message']}" for e in rejection["errors"])
        click.echo(f"  row {rejection['row']} (NIP {rejection['nip']}): {problems}", err=True)
    for warning in report["warnings"]:
        click.echo(f"warning: {warning}", err=True)


class _Bar:
    """A terminal progress bar whose length is learnt from the first page."""

    def __init__(self, label: str):
        self.label, self.bar, self.shown = label, None, 0

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=max(total or done, 1), label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _locked(start):
    from services.needs.simpeg.runs import SyncBusy

    try:
        return start()
    except SyncBusy as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_BUSY)


@simpeg.command(help="Pull every employee from SIMPEG, apply the changes, deactivate who is gone; print the report.")
@click.option("--unit", "unit_id", default=None, help="Only this OPD (SIMPEG's unorIndukId).")
@click.option("--allow-mass-deactivation", is_flag=True, help="Deactivate even when many employees are missing.")
@click.option("--trigger", default="cli", show_default=True, help="Recorded on the run (cli, cron).")
def sync(unit_id: str | None, allow_mass_deactivation: bool, trigger: str) -> None:
    from services.needs.simpeg import runs

    uow, settings = _uow()
    client = _client(settings)
    with uow:
        run = _locked(
            lambda: runs.start_run(
                uow,
                settings,
                source="simpeg",
                trigger=trigger,
                unit_id=unit_id,
                allow_mass_deactivation=allow_mass_deactivation,
            )
        )
    bar = _Bar("Sinkronisasi SIMPEG")
    try:
        report = runs.run_sync(uow.database, settings, client, run.id, progress=bar)
    except Exception as exc:  # noqa: BLE001 - recorded on the run, reported here
        bar.close()
        raise click.ClickException(
            f"sync {run.id} failed: {exc}. Nobody was deactivated; run the sync again."
        ) from None
    bar.close()
    click.echo(f"sync {run.id}")
    _print_report(report)
    if report["rejected"]:
        sys.exit(1)


@simpeg.command("import-history", help="Credit the training history entered in SIMPEG by hand, once (docs/simpeg.md).")
@click.option("--unit", "unit_id", default=None, help="Only the employees of this OPD.")
def import_history(unit_id: str | None) -> None:
    from services.needs.simpeg import history, runs

    uow, settings = _uow()
    client = _client(settings)
    with uow:
        run = _locked(
            lambda: runs.start_run(uow, settings, source="simpeg", trigger="cli", unit_id=unit_id, job="history")
        )
    bar = _Bar("Riwayat diklat SIMPEG")
    try:
        report = history.import_history(uow.database, settings, client, run.id, progress=bar)
    except Exception as exc:  # noqa: BLE001 - recorded on the run, reported here
        bar.close()
        raise click.ClickException(f"history import {run.id} failed: {exc}. What was credited stays.") from None
    bar.close()
    click.echo(
        f"history import {run.id}: {report['received']} records, {report['credited']} credited, "
        f"{report['already_counted']} already counted, {report['ours']} written by Bangkom, "
        f"{len(report['rejected'])} rejected"
    )
    for rejected in report["rejected"]:
        click.echo(f"  {rejected['nip']}: " + "; ".join(f"{e['field']}: {e['message']}" for e in rejected["errors"]))
    if report["rejected"]:
        sys.exit(1)


@simpeg.command("import", help="Import employees from a SIMPEG export (XLSX or CSV with SIASN column names).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deactivate-missing", is_flag=True, help="The file lists everyone: deactivate who is not in it.")
@click.option("--allow-mass-deactivation", is_flag=True)
def import_(path: Path, deactivate_missing: bool, allow_mass_deactivation: bool) -> None:
    from services.needs.simpeg import runs
    from shared.errors import Invalid

    uow, settings = _uow()
    bar = _Bar("Impor berkas SIMPEG")
    try:
        report = _locked(
            lambda: runs.import_file(
                uow.database,
                settings,
                path.read_bytes(),
                path.name,
                trigger="cli",
                deactivate=deactivate_missing,
                allow_mass_deactivation=allow_mass_deactivation,
                progress=bar,
            )
        )
    except Invalid as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        bar.close()
    click.echo(f"import {report['run_id']}")
    _print_report(report)
    if report["rejected"]:
        sys.exit(1)


@simpeg.command(help="Send the training-history records that are due now (the worker does this continuously).")
def send() -> None:
    from services.needs.simpeg import history

    uow, settings = _uow()
    client = _client(settings)
    totals = {"sent": 0, "failed": 0, "retrying": 0}
    while True:
        counts = history.send_due_history(uow.database, settings, client)
        for key, value in counts.items():
            totals[key] += value
        if not any(counts.values()):
            break
    click.echo(f"sent {totals['sent']}, failed {totals['failed']}, to retry later {totals['retrying']}")


@simpeg.command("retry-failed", help="Make failed training-history records pending again (all, or the given ones).")
@click.option("--enrollment-id", "enrollment_ids", multiple=True, help="Only this record (repeatable).")
def retry_failed(enrollment_ids: tuple[str, ...]) -> None:
    from services.needs.simpeg import history

    uow, _ = _uow()
    with uow:
        count = history.retry_failed(uow, list(enrollment_ids) or None)
    click.echo(f"{count} record(s) pending again; the worker (or `bangkom simpeg send`) sends them")


@simpeg.command(help="Compare Bangkom's completed trainings with SIMPEG's history and list the differences.")
@click.option("--year", type=int, default=None, help="Only trainings completed in this year.")
@click.option("--queue-missing", is_flag=True, help="Send again every completed training SIMPEG lacks.")
def reconcile(year: int | None, queue_missing: bool) -> None:
    from services.needs.simpeg import reconciliation

    uow, settings = _uow()
    client = _client(settings)
    bar = _Bar("Rekonsiliasi riwayat diklat")
    try:
        differences = reconciliation.reconcile(uow.database, settings, client, year, queue_missing, progress=bar)
    finally:
        bar.close()
    for d in differences:
        click.echo(f"{d.kind:20} NIP {d.nip}  enrolment {d.enrollment_id}  {d.detail}")
    click.echo(f"{len(differences)} difference(s)")
    if differences:
        sys.exit(1)


@simpeg.command(help="The last sync, and the training-history records by status.")
def status() -> None:

    uow, settings = _uow()
    with uow.database.sessions() as session:
        state = simpeg_views.status(session, bool(settings.simpeg_base_url))
    run = state["last_run"]
    click.echo(f"SIMPEG configured: {'yes' if state['configured'] else 'no'}")
    if run is not None:
        click.echo(
            f"last run {run.id}: {run.source} {run.status}, {run.done}/{run.total or '?'} at {run.created_at:%Y-%m-%d %H:%M} UTC"
        )
    counts = state["history"]
    click.echo(f"training history: pending {counts['pending']}, sent {counts['sent']}, failed {counts['failed']}")
