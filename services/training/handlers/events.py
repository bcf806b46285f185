"""What the training service does with the events it consumes (read models of employees, needs, JP and the
programs' recommendations)."""

from __future__ import annotations

from sqlalchemy import delete

from services.training.config import TrainingSettings
from services.training.models import CreditedJp, EmployeeView, OpenNeed, Program
from shared.consumer import Handler, bind
from shared.db import UnitOfWork, hot_upsert
from shared.events import Event

# Topics whose events this service's worker consumes; types without a handler are skipped.
TOPICS = ["bangkom.needs.v1", "bangkom.evaluation.v1"]


def on_employee_synced(event: Event, uow: UnitOfWork, settings: TrainingSettings) -> None:
    data = event.load_data()
    employee = uow.session.get(EmployeeView, data["nip"]) or EmployeeView(nip=data["nip"])
    employee.name, employee.unit_code, employee.unit_name = data["name"], data["unit_code"], data["unit_name"]
    employee.position_name, employee.supervisor_nip = data["position_name"], data["supervisor_nip"]
    employee.active, employee.jp_cap = data["active"], data.get("jp_cap")
    employee.contract_start = data.get("contract_start")
    uow.session.add(employee)


def on_jp_credited(event: Event, uow: UnitOfWork, settings: TrainingSettings) -> None:
    """The year's total as the ledger has it after this change: events of one employee arrive in order (keyed by
    NIP), so the latest total is the truth (it also falls, when a reopened batch revokes a completion)."""
    data = event.load_data()
    row = uow.session.get(CreditedJp, (data["nip"], data["year"])) or CreditedJp(nip=data["nip"], year=data["year"])
    row.jp = data["year_total"]
    uow.session.add(row)


def on_need_identified(event: Event, uow: UnitOfWork, settings: TrainingSettings) -> None:
    """A need opened, or back in the pool (withdrawn, not completed, its evaluation expired)."""
    _keep_need(uow, {**event.load_data(), "status": "open"})


def on_need_updated(event: Event, uow: UnitOfWork, settings: TrainingSettings) -> None:
    """A need planned, in training, awaiting evaluation, or with new figures (a recompute)."""
    _keep_need(uow, event.load_data())


NEED_FIELDS = ("need_id", "nip", "competency_code", "gap", "priority_score", "plan_year", "status")


def _keep_need(uow: UnitOfWork, data: dict) -> None:
    """One statement, the row not loaded first: a recompute sends a need event per need of the city."""
    hot_upsert(uow.session, OpenNeed, [{field: data[field] for field in NEED_FIELDS}])


def on_need_closed(event: Event, uow: UnitOfWork, settings: TrainingSettings) -> None:
    uow.session.execute(delete(OpenNeed).where(OpenNeed.need_id == event.data["need_id"]))


def on_program_evaluated(event: Event, uow: UnitOfWork, settings: TrainingSettings) -> None:
    program = uow.session.get(Program, event.data["program_id"])
    if program is not None:
        program.recommendation = dict(event.data) | {"evaluated_at": event.time}


EVENT_HANDLERS = {
    "EmployeeSynced": on_employee_synced,
    "DevelopmentNeedIdentified": on_need_identified,
    "DevelopmentNeedUpdated": on_need_updated,
    "DevelopmentNeedClosed": on_need_closed,
    "ProgramEvaluated": on_program_evaluated,
    "JpCredited": on_jp_credited,
}


def event_handlers(settings: TrainingSettings) -> dict[str, Handler]:
    return bind(EVENT_HANDLERS, settings)
