"""HTTP layer of the needs service: parse with schemas, call a handler or a view, dump with schemas.

One blueprint (``blueprint``: who may call which route, the checks routes share), its routes by use case:
``dictionary`` (competencies, priorities, standards, positions), ``employees`` (records, profiles, JP, assessments),
``plan`` (gaps, match, needs, the year's plan, recomputation), ``ledger`` (the 20-JP ledger), ``external``
(development outside Bangkom), ``exports`` (spreadsheets and CSV), ``proposals`` (the yearly AKPK's usulan), ``akpk`` (its forms, SBU, approved
versions, realisation and calendar).
"""

from services.needs.api import (  # noqa: F401 - their routes register
    akpk,
    dictionary,
    employees,
    exports,
    external,
    ledger,
    plan,
    proposals,
)
from services.needs.api.blueprint import ACCESS, blp

__all__ = ["ACCESS", "blp"]
