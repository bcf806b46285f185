"""Passwords: hashed with argon2id, the rule a new one must meet, and a hash to check against when there is no
account (so that a wrong user name takes as long as a wrong password)."""

from __future__ import annotations

from services.gateway import domain
from shared import hashing
from shared.errors import Invalid

DUMMY_HASH = hashing.hash_secret("bangkom-timing-equaliser")


def check_password(password: str) -> None:
    if problem := domain.password_problem(password):
        raise Invalid(problem, errors=[{"field": "password", "message": "Too short."}])
