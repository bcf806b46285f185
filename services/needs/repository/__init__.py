"""Set-based queries of the needs service: the gap recompute and the read models behind the API.

Everything here works on many employees at once in SQL (PostgreSQL in production and tests, SQLite
for the embedded demo). The arithmetic comes from ``domain`` so that SQL and Python agree.

By what they compute: ``standards`` (the standard that applies), ``gaps`` (current levels and gaps), ``needs`` (the
needs in line with the gaps), ``employees`` (who is concerned, their JP). The names are gathered here.
"""

from services.needs.repository.employees import (
    active_employee_count,
    all_concerned_nips,
    credited_jp,
    employee_records,
    employees_by_nip,
    existing_codes,
    holders_of_competency,
    record_service_years,
)
from services.needs.repository.gaps import (
    GAP_COLUMNS,
    GapPolicy,
    current_level_cte,
    gap_query,
    priority_targets,
    priority_weights,
    rebuild_gaps,
    refresh_statistics,
)
from services.needs.repository.needs import (
    NEED_COLUMNS,
    RecomputeReport,
    need_closed_event,
    need_identified_event,
    need_updated_event,
    set_need_status,
    sync_needs,
    years_with_active_needs,
)
from services.needs.repository.standards import (
    changed_competencies,
    effective_standard,
    positions_by_code,
    standard_cte,
)

__all__ = [
    "GAP_COLUMNS",
    "GapPolicy",
    "NEED_COLUMNS",
    "RecomputeReport",
    "active_employee_count",
    "all_concerned_nips",
    "changed_competencies",
    "credited_jp",
    "current_level_cte",
    "effective_standard",
    "employee_records",
    "employees_by_nip",
    "existing_codes",
    "gap_query",
    "holders_of_competency",
    "need_closed_event",
    "need_identified_event",
    "need_updated_event",
    "positions_by_code",
    "priority_targets",
    "priority_weights",
    "rebuild_gaps",
    "refresh_statistics",
    "record_service_years",
    "set_need_status",
    "standard_cte",
    "sync_needs",
    "years_with_active_needs",
]
