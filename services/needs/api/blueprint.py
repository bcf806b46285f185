"""The needs blueprint, who may call which route (docs/access.md), and the checks its routes share."""

from __future__ import annotations

from flask_smorest import Blueprint

from services.needs import views
from services.needs.simpeg import api as simpeg_api
from shared.web import access_rules, caller, context, read_session

blp = Blueprint(
    "needs",
    __name__,
    url_prefix="/api/v1/needs",
    description="Needs assessment (AKPK): competencies, standards, employees, assessments, gaps, needs, plan, JP.",
)


ADMIN, PEOPLE = ("admin",), ("admin", "supervisor", "employee")
# Who may call what (docs/access.md). Routes of one employee also check that the caller is that
# employee, their supervisor, or BKPSDM (``may_see``).
ACCESS = simpeg_api.ACCESS | access_rules(
    blp.url_prefix,
    {
        "GET /competencies": (*PEOPLE, "opd"),
        "POST /competencies": ADMIN,
        "GET /competencies/<code>": (*PEOPLE, "opd"),
        "PUT /competencies/<code>": ADMIN,
        "GET /priorities/<int:year>": PEOPLE,
        "PUT /priorities/<int:year>": ADMIN,
        "GET /position-classes/<position_class>/standard": PEOPLE,
        "PUT /position-classes/<position_class>/standard": ADMIN,
        "GET /positions": PEOPLE,
        "POST /positions": ADMIN,
        "GET /positions/<code>": PEOPLE,
        "PUT /positions/<code>": ADMIN,
        "PUT /positions/<code>/standard": ADMIN,
        "GET /employees": ("admin", "opd"),
        "PUT /employees": ADMIN,
        "GET /employees/<nip>": (*PEOPLE, "opd"),
        "PUT /employees/<nip>": ADMIN,
        "GET /employees/<nip>/profile": (*PEOPLE, "opd"),
        "GET /employees/<nip>/jp": (*PEOPLE, "opd"),
        "GET /employees/<nip>/assessments": PEOPLE,
        "POST /employees/<nip>/assessments": PEOPLE,
        "POST /assessments/imports": ADMIN,
        "GET /my/team": ("supervisor",),
        "GET /proposals": (*PEOPLE, "opd"),
        "POST /proposals": ("admin", "opd", "employee", "supervisor"),
        "GET /proposals/<proposal_id>": (*PEOPLE, "opd"),
        "POST /proposals/<proposal_id>/<action>": (*PEOPLE, "opd"),
        "GET /forms": (*PEOPLE, "opd"),
        "GET /sbu/<int:year>": ("admin", "opd"),
        "PUT /sbu/<int:year>": ADMIN,
        "GET /plans/<int:year>/versions": ("admin", "opd"),
        "POST /plans/<int:year>/versions": ADMIN,
        "GET /plans/<int:year>/versions/<int:number>": ("admin", "opd"),
        "GET /plans/<int:year>/compare": ("admin", "opd"),
        "GET /plans/<int:year>/realisation": ("admin", "opd"),
        "GET /plans/<int:year>/calendar": ADMIN,
        "GET /exports/plans/<int:year>/versions/<int:number>": ("admin", "opd"),
        "GET /exports/plans/<int:year>/realisation": ("admin", "opd"),
        "GET /gaps": ("admin", "opd"),
        "GET /gaps/by-unit": ADMIN,
        "GET /gaps/by-competency": ADMIN,
        "GET /match": ADMIN,
        "GET /needs": ("admin", "opd"),
        "PATCH /needs/<need_id>": ADMIN,
        "GET /plan": ("admin", "opd"),
        "POST /recompute": ADMIN,
        "GET /recompute-runs": ADMIN,
        "GET /recompute-runs/<run_id>": ADMIN,
        "GET /jp/compliance": ("admin", "opd"),
        "GET /units": ("admin", "opd"),
        "GET /jp/behind": ("admin", "opd"),
        "GET /exports/gaps": ("admin", "opd"),
        "GET /exports/plan": ("admin", "opd"),
        "GET /ledger": ADMIN,
        "GET /exports/ledger": ADMIN,
        "GET /exports/employees": ADMIN,
        "GET /external-development": PEOPLE,
        "POST /employees/<nip>/external-development": PEOPLE,
        "GET /external-development/<record_id>": PEOPLE,
        "PUT /external-development/<record_id>/certificate": PEOPLE,
        "GET /external-development/<record_id>/certificate": PEOPLE,
        "POST /external-development/<record_id>/verify": ADMIN,
        "POST /external-development/<record_id>/reject": ADMIN,
        "POST /external-development/<record_id>/withdraw": ADMIN,
    },
)


def may_see(nip: str) -> None:
    """Refuse unless the caller is that employee, their supervisor, or BKPSDM."""
    with read_session() as session:
        views.check_may_see(session, caller(), nip)


def year_of(args: dict) -> int:
    """The year a query asks for, else this year."""
    return args.get("year") or context().settings.today().year
