"""Schemas of the yearly AKPK's proposals (usulan): one proposed, a step taken, the listing, one with its history."""

from __future__ import annotations

from marshmallow import Schema, post_load, validate

from services.needs import akpk, commands
from services.needs.records import CODE, NIP
from services.needs.schemas.common import YEAR
from shared import fields
from shared.catalogue import FORMS


class ProposalSchema(fields.ActivityLength):
    id = fields.String(dump_only=True)
    year = fields.Integer(required=True, validate=YEAR)
    nip = fields.String(required=True, validate=NIP, metadata={"description": "The ASN the development is for"})
    name = fields.String(dump_only=True, allow_none=True, metadata={"description": "The ASN's name (in listings)"})
    unit_code = fields.String(dump_only=True, allow_none=True)
    origin = fields.String(
        dump_only=True,
        metadata={"description": "employee (their own plan) or opd", "enum": list(akpk.PROPOSAL_ORIGINS)},
    )
    competency_code = fields.String(required=True, validate=CODE)
    form = fields.String(required=True, validate=validate.OneOf(FORMS))
    estimated_cost = fields.Integer(
        load_default=None,
        validate=validate.Range(min=0, max=10**10),
        metadata={"description": "Rupiah; when left out, by the year's standard cost table (SBU)"},
    )
    month = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=12),
        metadata={"description": "When in the year it is to take place (1–12): the plan's calendar"},
    )
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    status = fields.String(dump_only=True, metadata={"enum": list(akpk.PROPOSAL_STATES)})
    realisation = fields.String(
        dump_only=True,
        metadata={
            "enum": ["realised", "not_realised", "pending"],
            "description": "Of a planned proposal (in listings): realised (JP for its competency in its year), not "
            "realised (its year is over), pending",
        },
    )
    reason = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "Why it was returned or withdrawn"}
    )
    created_by = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.ProposalDetails:
        return commands.ProposalDetails(**data)


class ProposalStepSchema(Schema):
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    by = fields.String()
    role = fields.String()
    reason = fields.String(allow_none=True)
    at = fields.DateTime()


class ProposalDetailSchema(ProposalSchema):
    steps = fields.List(fields.Nested(ProposalStepSchema), dump_only=True, metadata={"description": "Oldest first"})


class ProposalActionSchema(Schema):
    reason = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=3, max=2000),
        metadata={"description": "Required to return or withdraw: the people who proposed it read it"},
    )


class ProposalQuery(Schema):
    year = fields.Integer(validate=YEAR)
    status = fields.String(validate=validate.OneOf(akpk.PROPOSAL_STATES))
    unit_code = fields.String(validate=validate.Length(max=60))
    nip = fields.String(validate=NIP)
