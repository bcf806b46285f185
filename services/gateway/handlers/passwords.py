"""Passwords: hashed with argon2id, the rule a new one must meet, and a hash to check against when there is no
account (so that a wrong user name takes as long as a wrong password)."""

from __future__ import annotations

from argon2 import PasswordHasher

from services.gateway import domain
from shared.errors import Invalid

hasher = PasswordHasher()  # argon2id with the library's recommended parameters
DUMMY_HASH = hasher.hash("bangkom-timing-equaliser")


def check_password(password: str) -> None:
    if problem := domain.password_problem(password):
        raise Invalid(problem, errors=[{"field": "password", "message": "Too short."}])
