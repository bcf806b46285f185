"""The walk of docs/access.md: every state-changing route of a service called as a role the table gives it, accepted,
and found in the audit trail's own record — the ``ChangeMade`` the service wrote (its outbox) naming the operation,
the path, the caller as actor, the request id the answer carried and when. Each service's walk ends by checking it
walked exactly the page's state-changing routes of that service: a new route without its step fails it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from shared import identity
from shared.db import Database
from tests.services import SECRET

ACCESS_MD = (Path(__file__).resolve().parents[1] / "docs" / "access.md").read_text()
# asked for by the gateway alone, by POST, to read a partner's key: they change nothing and are no change to record
LOOKUPS = {
    ("POST", "/api/v1/training/internal/partner-keys/verify"),
    ("POST", "/api/v1/training/internal/partner-keys/signing-secret"),
}


def state_changing_routes(service: str) -> set[tuple[str, str]]:
    """Every state-changing (method, route) of ``service`` in docs/access.md."""
    rows = re.findall(r"^\| (POST|PUT|PATCH|DELETE) \| `([^`]+)` \|", ACCESS_MD, flags=re.M)
    return {(method, route) for method, route in rows if route.startswith(f"/api/v1/{service}/")}


class Walk:
    def __init__(self, service: str, client: Any, database: Database, outbox_model: type) -> None:
        self.service, self.client, self.database, self.outbox_model = service, client, database, outbox_model
        self.walked: set[tuple[str, str]] = set()

    def __call__(self, method: str, route: str, who: identity.Identity, values: dict | None = None, **options):
        """Call ``route`` (its ``<name>`` parts from ``values``) as ``who``; it must be accepted and recorded."""
        path = re.sub(r"<(?:int:)?(\w+)>", lambda m: str((values or {})[m.group(1)]), route)
        headers = {identity.HEADER: identity.encode(who, SECRET), **options.pop("headers", {})}
        started = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        answer = self.client.open(path, method=method, headers=headers, **options)
        assert 200 <= answer.status_code < 300, (method, path, answer.status_code, answer.get_data(as_text=True)[:800])
        request_id = answer.headers["X-Request-ID"]
        with self.database.sessions() as session:
            rows = session.scalars(
                select(self.outbox_model.payload).where(
                    self.outbox_model.aggregateid == request_id, self.outbox_model.type.like("%.ChangeMade.v1")
                )
            ).all()
        assert len(rows) == 1, f"{method} {route}: {len(rows)} ChangeMade for request {request_id}"
        event = json.loads(rows[0])
        made = {"request_id": request_id, "method": method, "route": route, "path": path, "address": who.address}
        assert event["data"] == made, (method, route)
        assert (event["actor"], event["requestid"]) == (who.actor, request_id), (method, route, event)
        assert dt.datetime.fromisoformat(event["time"].replace("Z", "+00:00")) >= started, "when it was made"
        self.walked.add((method, route))
        return answer.json if answer.is_json else answer

    def lookup(self, method: str, route: str, who: identity.Identity, **options) -> Any:
        """One of the gateway's lookups: accepted, and no change on record."""
        assert (method, route) in LOOKUPS
        headers = {identity.HEADER: identity.encode(who, SECRET)}
        answer = self.client.open(route, method=method, headers=headers, **options)
        assert answer.status_code == 200, (route, answer.get_data(as_text=True)[:500])
        with self.database.sessions() as session:
            rows = session.scalars(
                select(self.outbox_model.id).where(self.outbox_model.aggregateid == answer.headers["X-Request-ID"])
            ).all()
        assert rows == [], f"{route} changes nothing and leaves no record"
        self.walked.add((method, route))
        return answer.json

    def covers_the_access_page(self) -> None:
        expected = state_changing_routes(self.service)
        assert expected, f"docs/access.md lists no route of {self.service}"
        assert self.walked == expected, {
            "not walked": sorted(expected - self.walked),
            "not on the page": sorted(self.walked - expected),
        }
