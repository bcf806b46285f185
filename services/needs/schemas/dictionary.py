"""Schemas of the competency dictionary, the strategic priorities, the standards and the positions."""

from __future__ import annotations

from marshmallow import Schema, post_load, validate

from services.needs import commands, domain
from services.needs.records import CODE
from services.needs.schemas.common import LEVEL, unique
from shared import fields

# --- competencies -------------------------------------------------------------------------------


class CompetencySchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    group = fields.String(required=True, validate=validate.OneOf(domain.GROUPS))
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    level_descriptors = fields.List(
        fields.String(validate=validate.Length(min=1, max=1000)),
        required=True,
        validate=validate.Length(equal=5, error="Give exactly five descriptors, level 1 first."),
    )
    active = fields.Boolean(load_default=True)

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.CompetencyChange:
        return commands.CompetencyDetails(**{**data, "level_descriptors": tuple(data["level_descriptors"])})


class CompetencyUpdateSchema(CompetencySchema):
    class Meta:
        exclude = ("code",)

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.CompetencyChange:
        return commands.CompetencyChange(**{**data, "level_descriptors": tuple(data["level_descriptors"])})


class CompetencyQuery(Schema):
    group = fields.String(validate=validate.OneOf(domain.GROUPS))
    q = fields.String(validate=validate.Length(max=100))
    active = fields.Boolean()


# --- priorities and standards -------------------------------------------------------------------


class PriorityTargetSchema(Schema):
    competency_code = fields.String(required=True, validate=CODE)
    level = fields.Integer(required=True, validate=LEVEL)
    position_class = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(domain.POSITION_CLASSES))
    unit_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=60))
    position_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=60))

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.PriorityTarget:
        return commands.PriorityTarget(**data)


class PrioritySchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    weight = fields.Float(required=True, validate=validate.Range(min=0, max=1, error="Weight must be between 0 and 1."))
    competencies = fields.List(fields.String(validate=CODE), required=True, validate=[validate.Length(min=1), unique])
    targets = fields.List(
        fields.Nested(PriorityTargetSchema),
        load_default=list,
        metadata={
            "description": "Levels the theme asks this year, each for the positions of a class, of an OPD (unit_code), "
            "one position, or every ASN (none named); above a position's standard it opens needs naming the theme. "
            "Each competency must be one of the theme's competencies."
        },
    )

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.Priority:
        return commands.Priority(
            **{**data, "competencies": tuple(data["competencies"]), "targets": tuple(data["targets"])}
        )


class PrioritiesSchema(Schema):
    year = fields.Integer(dump_only=True)
    items = fields.List(fields.Nested(PrioritySchema), required=True)


class StandardEntry(Schema):
    competency_code = fields.String(required=True, validate=CODE)
    required_level = fields.Integer(required=True, validate=LEVEL)

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.StandardLevel:
        return commands.StandardLevel(**data)


class OverrideEntry(StandardEntry):
    required_level = fields.Integer(
        required=True,
        validate=validate.Range(min=0, max=5, error="Level must be between 0 (not required) and 5."),
    )


class ClassStandardSchema(Schema):
    position_class = fields.String(dump_only=True)
    items = fields.List(fields.Nested(StandardEntry), required=True)


class PositionSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    position_class = fields.String(required=True, validate=validate.OneOf(domain.POSITION_CLASSES))

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.PositionChange:
        return commands.PositionDetails(**data)


class PositionUpdateSchema(PositionSchema):
    class Meta:
        exclude = ("code",)

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.PositionChange:
        return commands.PositionChange(**data)


class PositionDetailSchema(PositionSchema):
    overrides = fields.List(fields.Nested(OverrideEntry))
    standard = fields.List(fields.Nested(StandardEntry))


class PositionStandardSchema(Schema):
    items = fields.List(fields.Nested(OverrideEntry), required=True)


class PositionQuery(Schema):
    position_class = fields.String(validate=validate.OneOf(domain.POSITION_CLASSES))
