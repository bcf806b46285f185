"""Checks that several use-cases make of what they are given: known competencies, no code twice, a plan year."""

from __future__ import annotations

from collections.abc import Mapping

from services.needs import domain, repository
from services.needs.models import Competency
from shared.db import UnitOfWork
from shared.errors import Invalid


def require_competencies(uow: UnitOfWork, codes_at: Mapping[str, str]) -> None:
    """``codes_at`` maps each field path of the request to the competency code given there."""
    known = repository.existing_codes(uow.session, Competency.code, codes_at.values())
    unknown = {path: code for path, code in codes_at.items() if code not in known}
    if unknown:
        raise Invalid(
            f"Unknown competency code(s): {', '.join(sorted(set(unknown.values())))}. Add them to the dictionary first.",
            errors=[{"field": path, "message": f"Unknown competency {code}."} for path, code in unknown.items()],
        )


def require_plan_year(year: int) -> None:
    if year not in domain.PLAN_YEARS:
        raise Invalid(
            f"Plan years run from {domain.PLAN_YEARS.start} to {domain.PLAN_YEARS.stop - 1}.",
            errors=[{"field": "year", "message": f"{year} is not a plan year."}],
        )


def require_unique(values: list[str], field: str, name: str) -> None:
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        raise Invalid(
            f"Each {name} may appear once: {', '.join(duplicates)}.",
            errors=[{"field": f"{field}.{values.index(v)}.{name}", "message": "Duplicate."} for v in duplicates],
        )
