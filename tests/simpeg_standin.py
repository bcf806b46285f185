"""A SIMPEG stand-in implementing the contract of docs/simpeg.md, for tests, benches and demos.

It keeps employees and training history in memory and can misbehave on purpose: expired tokens,
5xx answers (a number of them, or for a while), slow answers, and records refused by validation.

    standin = SimpegStandin(employees=generate_employees(100)).start()
    standin.url, standin.client_id, standin.client_secret
    standin.fail_next(3)            # the next 3 API calls answer 503
    standin.fail_for(5.0)           # every API call answers 503 for 5 s
    standin.delay = 0.5             # every answer waits 0.5 s
    standin.expire_tokens()         # every issued token is now expired (401)
    standin.lose_answers(2)         # the next 2 writes are saved, but answered 503 (the answer is "lost")
    standin.reject = lambda record: {"jumlahJam": "..."} or None
    standin.stop()

Run alone: ``python -m tests.simpeg_standin --port 18090 --employees 300``.
"""

from __future__ import annotations

import argparse
import math
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from services.needs.sample import generate_employees

__all__ = ["SimpegStandin", "generate_employees"]

KURSUS_REQUIRED = ("nipBaru", "namaKursus", "tanggalKursus", "tahunKursus", "jumlahJam")
DIKLAT_REQUIRED = ("nipBaru", "latihanStrukturalNama", "tanggal", "tahun", "jumlahJam")


def problem(status: int, message: str, errors: dict | None = None):
    return jsonify({"message": message, "errors": errors or {}}), status


class SimpegStandin:
    def __init__(self, employees: list[dict[str, Any]] | None = None, *, token_ttl: float = 300.0, port: int = 0):
        self.employees = {e["nipBaru"]: dict(e) for e in employees or []}
        self.history: dict[str, list[dict[str, Any]]] = {}  # rw-kursus
        self.diklat: dict[str, list[dict[str, Any]]] = {}  # rw-diklat
        self.idempotency: dict[str, str] = {}
        self.client_id = "bangkom"
        self.client_secret = secrets.token_urlsafe(24)
        self.token_ttl = token_ttl
        self.tokens: dict[str, float] = {}
        self.delay = 0.0
        self.honour_idempotency_keys = True  # False: a SIMPEG that ignores the header (only the lookup then protects)
        self.reject: Callable[[dict[str, Any]], dict[str, str] | None] | None = None
        self.calls: Counter[str] = Counter()
        self.saves = 0  # training-history records created (not repeats)
        self._fail_left = 0
        self._fail_until = 0.0
        self._fail_status = 503
        self._lose_left = 0
        self._lock = threading.Lock()
        self._port = port
        self._server = None
        self._thread: threading.Thread | None = None
        self.app = self._build_app()

    # --- control ------------------------------------------------------------------------------

    def start(self) -> SimpegStandin:
        self._server = make_server("127.0.0.1", self._port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="simpeg-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def fail_next(self, count: int, status: int = 503) -> None:
        with self._lock:
            self._fail_left, self._fail_status = count, status

    def fail_for(self, seconds: float, status: int = 503) -> None:
        with self._lock:
            self._fail_until, self._fail_status = time.monotonic() + seconds, status

    def lose_answers(self, count: int) -> None:
        with self._lock:
            self._lose_left = count

    def recover(self) -> None:
        with self._lock:
            self._fail_left, self._fail_until = 0, 0.0

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens = {token: 0.0 for token in self.tokens}

    def history_of(self, nip: str) -> list[dict[str, Any]]:
        """The employee's rw-kursus (courses, seminars, workshops, …)."""
        return list(self.history.get(nip, []))

    def diklat_of(self, nip: str) -> list[dict[str, Any]]:
        """The employee's rw-diklat (leadership and structural trainings: Latsar, PKP, PKA, PKN)."""
        return list(self.diklat.get(nip, []))

    # --- the contract -------------------------------------------------------------------------

    def _build_app(self) -> Flask:
        app = Flask("simpeg-standin")

        @app.before_request
        def misbehave():
            self.calls[request.path] += 1
            if self.delay:
                time.sleep(self.delay)
            with self._lock:
                failing = self._fail_left > 0 or time.monotonic() < self._fail_until
                if self._fail_left > 0:
                    self._fail_left -= 1
            if failing:
                return problem(self._fail_status, "Layanan sedang gangguan")
            if request.path != "/oauth/token":
                header = request.headers.get("Authorization", "")
                token = header.removeprefix("Bearer ").strip()
                if self.tokens.get(token, 0.0) < time.monotonic():
                    return problem(401, "Token tidak valid atau kedaluwarsa")
            return None

        @app.post("/oauth/token")
        def token():
            form = request.form
            if form.get("grant_type") != "client_credentials":
                return problem(400, "unsupported_grant_type")
            if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
                return problem(401, "invalid_client")
            issued = secrets.token_urlsafe(16)
            with self._lock:
                self.tokens[issued] = time.monotonic() + self.token_ttl
            return jsonify({"access_token": issued, "token_type": "Bearer", "expires_in": self.token_ttl})

        @app.get("/api/v1/pns")
        def employees():
            try:
                page, size = int(request.args.get("page", 1)), int(request.args.get("size", 100))
            except ValueError:
                return problem(400, "page dan size harus angka")
            if page < 1 or not 1 <= size <= 1000:
                return problem(400, "page ≥ 1, 1 ≤ size ≤ 1000")
            unit = request.args.get("unorIndukId")
            records = sorted(self.employees.values(), key=lambda e: e["nipBaru"])
            if unit:
                records = [e for e in records if e.get("unorIndukId") == unit]
            total = len(records)
            return jsonify(
                {
                    "data": records[(page - 1) * size : page * size],
                    "page": page,
                    "size": size,
                    "total": total,
                    "totalPages": math.ceil(total / size),
                }
            )

        @app.get("/api/v1/pns/<nip>/rw-kursus")
        def history(nip: str):
            return jsonify({"data": self.history_of(nip)})

        @app.get("/api/v1/pns/<nip>/rw-diklat")
        def diklat_history(nip: str):
            return jsonify({"data": self.diklat_of(nip)})

        @app.post("/api/v1/kursus/save")
        def save():
            return self._save(self.history, KURSUS_REQUIRED, "Data riwayat kursus tidak valid")

        @app.post("/api/v1/diklat/save")
        def save_diklat():
            return self._save(self.diklat, DIKLAT_REQUIRED, "Data riwayat diklat tidak valid")

        return app

    def _save(self, store: dict[str, list[dict[str, Any]]], required: tuple[str, ...], refusal: str):
        """One write into a history (rw-kursus or rw-diklat): validated, idempotent by its key, maybe "lost"."""
        record = request.get_json(silent=True)
        if not isinstance(record, dict):
            return problem(400, "Body harus JSON")
        errors = {name: "wajib diisi" for name in required if record.get(name) in (None, "")}
        if not errors and record["nipBaru"] not in self.employees:
            errors["nipBaru"] = "NIP tidak terdaftar"
        if not errors and self.reject is not None:
            errors = self.reject(record) or {}
        if errors:
            return problem(422, refusal, errors)
        key = request.headers.get("Idempotency-Key") if self.honour_idempotency_keys else None
        with self._lock:
            known = [r for r in store.get(record["nipBaru"], []) if key and r["id"] == self.idempotency.get(key)]
            if known:  # a repeated key: the record already held (unless it was deleted meanwhile)
                return jsonify(known[0]), 200
            saved = {**record, "id": str(uuid.uuid4())}
            store.setdefault(record["nipBaru"], []).append(saved)
            if key:
                self.idempotency[key] = saved["id"]
            self.saves += 1
            if self._lose_left > 0:
                self._lose_left -= 1
                return problem(503, "Gateway timeout setelah data tersimpan")
        return jsonify(saved), 201


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the SIMPEG stand-in (docs/simpeg.md) until interrupted.")
    parser.add_argument("--port", type=int, default=18090)
    parser.add_argument("--employees", type=int, default=300)
    parser.add_argument("--client-secret", default="rahasia-simpeg-demo")
    args = parser.parse_args()
    standin = SimpegStandin(generate_employees(args.employees), port=args.port)
    standin.client_secret = args.client_secret
    standin.start()
    print(f"SIMPEG stand-in at {standin.url} (client id {standin.client_id}), {len(standin.employees)} employees")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
