"""Building any service's settings and app in a test, by the service's name (one way for every test)."""

from __future__ import annotations

import importlib
from typing import Any

SECRET = "test-internal-identity-secret"  # the gateway-signed identity's secret in every test
JWT_SECRET = "test-jwt-secret-long-enough-for-hs256-keys"


def settings_of(service: str, database_url: str, **values: Any) -> Any:
    """The service's own settings class, with the test identity secret (and the gateway's JWT secret)."""
    config = importlib.import_module(f"services.{service}.config")
    settings_class = config.load_settings.__annotations__["return"]
    settings_class = getattr(config, settings_class) if isinstance(settings_class, str) else settings_class
    defaults: dict[str, Any] = {"internal_identity_secret": SECRET}
    if service == "gateway":
        defaults["jwt_secret"] = JWT_SECRET
    return settings_class(service=service, database_url=database_url, **(defaults | values))


def app_of(service: str, database_url: str, **values: Any):
    return importlib.import_module(f"services.{service}.app").create_app(settings_of(service, database_url, **values))
