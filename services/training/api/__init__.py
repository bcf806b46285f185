"""HTTP layer of the training service: parse with schemas, call a handler or a view, dump with schemas.

Routes under ``/partner`` are the partner institutions' own: the partner is the one named by the
gateway-signed identity (``shared.identity``), and it only ever sees its own batches.

One blueprint (``blueprint``: who may call which route, the partner a caller is kept to), its routes by use case:
``partners`` (institutions, their API keys), ``programs`` (programs, batches, meetings), ``enrolment``, ``completion``
(pre- and post-tests, closing and reopening), ``partner`` (a partner's own batches), ``attendance``, ``documents`` (PDFs,
certificate checks), ``check_in`` (at the venue).
"""

from services.training.api import (  # noqa: F401 - their routes register
    attendance,
    check_in,
    completion,
    documents,
    enrolment,
    partner,
    partners,
    programs,
)
from services.training.api.blueprint import ACCESS, blp

__all__ = ["ACCESS", "blp"]
