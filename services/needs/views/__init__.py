"""Read side of the needs service: listings and aggregates, straight from SQL (no domain objects), by what they show.

``paging`` (a page of a query; who may see whose records; recompute runs), ``dictionary`` (competencies, priorities,
standards, positions), ``employees`` (records, profiles, their JP), ``gaps``, ``plan`` (units, needs, the year's plan),
``ledger`` (the 20-JP ledger and compliance), ``external`` (development outside Bangkom), ``proposals`` (the AKPK's
usulan, kept to what the caller may see), ``akpk`` (the forms, the SBU, the approved plan's versions, realisation,
calendar). The names are gathered here.
"""

from services.needs.views.akpk import calendar, compare, forms_table, realisation, standard_costs, version, versions
from services.needs.views.dictionary import class_standard, competencies, competency, position, positions, priorities
from services.needs.views.employees import employee, employees, jp_of, position_class_of, profile
from services.needs.views.external import external_record, external_records
from services.needs.views.gaps import gaps, gaps_by, job_person_match
from services.needs.views.ledger import (
    LEDGER_DIMENSIONS,
    jp_behind,
    jp_compliance,
    ledger_figures,
    ledger_lines,
    served_in,
)
from services.needs.views.paging import check_may_see, page, recompute_runs
from services.needs.views.plan import PLANNED_STATUSES, needs, plan, units
from services.needs.views.proposals import proposal, proposals

__all__ = [
    "calendar",
    "compare",
    "forms_table",
    "realisation",
    "standard_costs",
    "version",
    "versions",
    "proposal",
    "proposals",
    "LEDGER_DIMENSIONS",
    "PLANNED_STATUSES",
    "check_may_see",
    "class_standard",
    "competencies",
    "competency",
    "employee",
    "employees",
    "external_record",
    "external_records",
    "gaps",
    "gaps_by",
    "job_person_match",
    "jp_behind",
    "jp_compliance",
    "jp_of",
    "ledger_figures",
    "ledger_lines",
    "needs",
    "page",
    "plan",
    "position",
    "position_class_of",
    "positions",
    "priorities",
    "profile",
    "recompute_runs",
    "served_in",
    "units",
]
