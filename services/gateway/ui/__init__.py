"""The web UI for BKPSDM, supervisors and employees, served by the gateway (docs/ui.md).

Pages are rendered on the server (Jinja templates, charts as inline SVG): no front-end package, nothing fetched from
the internet at run time, and no script but ``static/copy.js`` (a copy button; pages work without it). The UI signs in
with the gateway's own accounts and calls the services exactly as the API proxy does, with the person's signed
identity, so the services' access rules apply unchanged.

One module per concern: ``session`` (the blueprint, cookies, CSRF, roles), ``client`` (calling the services),
``charts`` (SVG), and the pages by area: ``signin``, ``accounts``, ``employees``, ``assessments``, ``development``, ``catalogues``,
``standards``, ``bkpsdm``, ``training``, ``attendance``, ``evaluation``, ``people``, ``notifications``, ``partner``
(a partner institution's user), ``proposals`` (the yearly AKPK's usulan), ``akpk`` (its forms, the approved plan's
versions, SBU, realisation and calendar), ``audit`` (the audit trail: search, one entry, export).
"""

from services.gateway.ui import (  # noqa: F401 - their routes register
    accounts,
    akpk,
    assessments,
    attendance,
    audit,
    bkpsdm,
    catalogues,
    development,
    employees,
    evaluation,
    notifications,
    partner,
    people,
    proposals,
    signin,
    standards,
    training,
)
from services.gateway.ui.session import ui

__all__ = ["ui"]
