"""Tables of the needs service (its own database), by use case: ``base`` (the declarative base, the outbox, events
handled, periodic jobs), ``dictionary`` (competencies, standards, themes), ``people`` (employees, assessments, gaps, needs),
``ledger`` (JP credits, outside development, SIMPEG history), ``plan`` (proposals and their history, the SBU, the approved plan's versions), ``runs``
(long jobs). Gathered here, so that callers say
``models.Employee`` whatever module holds it."""

from services.needs.models.base import Base, Outbox, ProcessedEvent, ScheduledJob
from services.needs.models.dictionary import (
    ClassStandard,
    Competency,
    Position,
    PositionStandard,
    PriorityCompetency,
    PriorityTarget,
    StrategicPriority,
)
from services.needs.models.ledger import ExternalDevelopment, JpCredit, SimpegHistory
from services.needs.models.people import AssessmentRecord, Employee, Gap, Need, Program, ServiceYear
from services.needs.models.plan import PlanLine, PlanVersion, Proposal, ProposalStep, StandardCost
from services.needs.models.runs import RecomputeRun, SimpegSyncRun

__all__ = [
    "AssessmentRecord",
    "Base",
    "ClassStandard",
    "Competency",
    "Employee",
    "ExternalDevelopment",
    "Gap",
    "JpCredit",
    "Need",
    "Outbox",
    "PlanLine",
    "PlanVersion",
    "Position",
    "PositionStandard",
    "PriorityCompetency",
    "PriorityTarget",
    "ProcessedEvent",
    "Proposal",
    "ProposalStep",
    "Program",
    "RecomputeRun",
    "ScheduledJob",
    "ServiceYear",
    "SimpegHistory",
    "SimpegSyncRun",
    "StandardCost",
    "StrategicPriority",
]
