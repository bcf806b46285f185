"""Application use-cases of the gateway, by use case: ``accounts`` (made and managed by BKPSDM), ``passwords``,
``events`` (accounts following the employee records), ``activation`` (codes by e-mail or printed, reset), ``sign_in``
(login, refresh, the identity of a bearer token), ``partners`` (signed requests of partner institutions) and ``rates``
(rate limits shared by every gateway instance). The names are gathered here.
"""

from services.gateway.handlers.accounts import accounts, change_account, create_account
from services.gateway.handlers.activation import issue_code, printed_codes, request_reset, set_password
from services.gateway.handlers.events import EVENT_HANDLERS, TOPICS, event_handlers, on_employee_synced
from services.gateway.handlers.partners import PURGE_EVERY_SECONDS, PartnerKeys, authenticate_partner
from services.gateway.handlers.rates import take_rate
from services.gateway.handlers.sign_in import identity_of_bearer, login, refresh

__all__ = [
    "EVENT_HANDLERS",
    "PURGE_EVERY_SECONDS",
    "TOPICS",
    "accounts",
    "PartnerKeys",
    "authenticate_partner",
    "change_account",
    "create_account",
    "event_handlers",
    "identity_of_bearer",
    "issue_code",
    "login",
    "on_employee_synced",
    "printed_codes",
    "refresh",
    "request_reset",
    "set_password",
    "take_rate",
]
