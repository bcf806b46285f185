"""What every schema of the needs service shares: a level, a plan year, a year's query."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, validate

from services.needs import domain
from shared import fields

LEVEL = validate.Range(min=1, max=5, error="Level must be between 1 and 5.")
YEAR = validate.Range(min=domain.PLAN_YEARS.start, max=domain.PLAN_YEARS.stop - 1)


def unique(values: list) -> None:
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValidationError(f"List each one once; repeated: {', '.join(map(str, repeated))}.")


class YearQuery(Schema):
    year = fields.Integer(validate=YEAR, metadata={"description": "Plan year (default: this year, WIB)"})
