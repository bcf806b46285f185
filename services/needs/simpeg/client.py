"""The adapter to the city's SIMPEG: the only module that speaks its HTTP contract (docs/simpeg.md).

OAuth2 client credentials (the token is renewed a minute before it expires, and at once when SIMPEG
answers 401), pages of employees, training-history reads and writes. Every call has a timeout. Reads (and the token)
that meet a 5xx answer, a timeout or a connection error are retried with exponential backoff by urllib3's ``Retry``;
4xx answers never are; a write is retried by its caller, after a lookup, since a write whose answer was lost may have
landed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from services.needs.domain import HISTORIES

log = logging.getLogger(__name__)


class SimpegError(Exception):
    """SIMPEG could not be reached or failed (5xx, timeout, connection); worth retrying later."""


class SimpegRejected(SimpegError):
    """SIMPEG refused the request (4xx): retrying the same request will not help."""

    def __init__(self, status: int, message: str, errors: Mapping[str, Any] | None = None):
        super().__init__(f"SIMPEG answered {status}: {message}")
        self.status, self.message, self.errors = status, message, dict(errors or {})


@dataclass(frozen=True)
class Page:
    records: list[dict[str, Any]]
    page: int
    total: int
    total_pages: int


class SimpegClient:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        token_url: str = "",
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        page_size: int = 100,
        session: requests.Session | None = None,
    ):
        if not base_url:
            raise ValueError("SIMPEG_BASE_URL is not set: SIMPEG is not configured.")
        self.base_url = base_url.rstrip("/")
        self.token_url = token_url or f"{self.base_url}/oauth/token"
        self.client_id, self._client_secret = client_id, client_secret
        self.timeout, self.retries, self.backoff, self.page_size = timeout, retries, backoff, page_size
        self.http = session or requests.Session()  # reads and the token: retried
        self._once = requests.Session()  # writes: never retried here
        retrying = HTTPAdapter(
            max_retries=Retry(
                total=retries,
                backoff_factor=backoff,
                status_forcelist=range(500, 600),
                allowed_methods=None,  # the token is a POST: asking for one again is safe
                raise_on_status=False,  # the last 5xx answer is SIMPEG's answer
                respect_retry_after_header=False,  # the backoff stays ours: a worker must not sleep for SIMPEG
            )
        )
        self.http.mount("http://", retrying)
        self.http.mount("https://", retrying)
        self._token: str | None = None
        self._token_renew_at = 0.0
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings) -> SimpegClient:
        return cls(
            settings.simpeg_base_url,
            settings.simpeg_client_id,
            settings.simpeg_client_secret,
            token_url=settings.simpeg_token_url,
            timeout=settings.simpeg_timeout_seconds,
            retries=settings.simpeg_retries,
            backoff=settings.simpeg_backoff_seconds,
            page_size=settings.simpeg_page_size,
        )

    def close(self) -> None:
        self.http.close()
        self._once.close()

    # --- reads --------------------------------------------------------------------------------

    def employees_page(self, page: int, unit_id: str | None = None) -> Page:
        params: dict[str, Any] = {"page": page, "size": self.page_size}
        if unit_id:
            params["unorIndukId"] = unit_id
        body = self._call("GET", "/api/v1/pns", params=params)
        return Page(
            records=list(body.get("data") or []),
            page=int(body.get("page", page)),
            total=int(body.get("total", 0)),
            total_pages=int(body.get("totalPages", 0)),
        )

    def employees(self, unit_id: str | None = None) -> Iterator[Page]:
        """Every page of employees, first to last (the first page tells the total)."""
        page = self.employees_page(1, unit_id)
        yield page
        for number in range(2, page.total_pages + 1):
            yield self.employees_page(number, unit_id)

    def training_history(self, nip: str, history: str = "kursus") -> list[dict[str, Any]]:
        """One of an employee's training histories: ``kursus`` (rw-kursus) or ``diklat`` (rw-diklat)."""
        return list(self._call("GET", f"/api/v1/pns/{nip}/rw-{history}").get("data") or [])

    def full_history(self, nip: str) -> list[tuple[str, dict[str, Any]]]:
        """Both training histories of an employee: (``kursus`` or ``diklat``, record) each."""
        return [(history, record) for history in HISTORIES for record in self.training_history(nip, history)]

    # --- writes -------------------------------------------------------------------------------

    def save_training(self, record: Mapping[str, Any], idempotency_key: str, history: str = "kursus") -> dict[str, Any]:
        """Write one record into a training history (``kursus`` or ``diklat``); SIMPEG answers a repeated key with the
        record it already holds.

        Not retried here: a write whose answer was lost may have landed, so the caller retries it
        later, after looking the record up (see history.send_due_history).
        """
        return self._call(
            "POST",
            f"/api/v1/{history}/save",
            json=dict(record),
            headers={"Idempotency-Key": idempotency_key},
            once=True,
        )

    # --- plumbing -----------------------------------------------------------------------------

    def _access_token(self, force: bool = False) -> str:
        with self._lock:
            if force or self._token is None or time.monotonic() >= self._token_renew_at:
                body = self._send(
                    "POST",
                    self.token_url,
                    data={
                        "grant_type": "client_credentials",
                        "client_id": self.client_id,
                        "client_secret": self._client_secret,
                    },
                )
                self._token = body["access_token"]
                lifetime = float(body.get("expires_in", 300))
                # renewed a minute before it expires (or a fifth of its life for short-lived tokens)
                self._token_renew_at = time.monotonic() + lifetime - min(60.0, lifetime / 5)
            return self._token

    def _call(self, method: str, path: str, once: bool = False, **kwargs) -> dict[str, Any]:
        headers = dict(kwargs.pop("headers", {}))
        for attempt in (1, 2):
            headers["Authorization"] = f"Bearer {self._access_token(force=attempt == 2)}"
            try:
                return self._send(method, self.base_url + path, once, headers=headers, **kwargs)
            except SimpegRejected as exc:
                if exc.status != 401 or attempt == 2:
                    raise
                log.info("SIMPEG refused the access token; fetching a new one")
        raise AssertionError("unreachable")

    def _send(self, method: str, url: str, once: bool = False, **kwargs) -> dict[str, Any]:
        """One request (retried as the client's ``Retry`` says, unless ``once``): its JSON body, ``SimpegError`` for
        5xx, a timeout or no connection, ``SimpegRejected`` for 4xx."""
        try:
            response = (self._once if once else self.http).request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            log.warning("SIMPEG call failed", extra={"url": url, "error": type(exc).__name__})
            raise SimpegError(f"SIMPEG unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            log.warning("SIMPEG call failed", extra={"url": url, "status": response.status_code})
            raise SimpegError(f"SIMPEG answered {response.status_code}")
        body = _json(response)
        if response.status_code >= 400:
            raise SimpegRejected(response.status_code, str(body.get("message") or response.reason), body.get("errors"))
        return body


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"message": response.text[:200]}
    return body if isinstance(body, dict) else {"data": body}
