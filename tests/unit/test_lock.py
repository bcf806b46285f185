"""The lock files hold what pyproject.toml asks for: every dependency pinned, at a version its range allows, so an
edit of pyproject.toml without `make lock` fails here, not on a newcomer's machine."""

from __future__ import annotations

import pathlib
import re
import tomllib

import pytest
from packaging.requirements import Requirement

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    return {
        re.sub(r"[-_.]+", "-", name).lower(): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", text, re.MULTILINE)
    }


@pytest.mark.parametrize(
    ("lock", "groups"), [("runtime.txt", ()), ("dev.txt", ("test", "dev"))], ids=["runtime", "dev"]
)
def test_every_dependency_is_locked_at_a_version_its_range_allows(lock, groups):
    pins = _pins(lock)
    wanted = [*PROJECT["dependencies"], *(d for g in groups for d in PROJECT["optional-dependencies"][g])]
    for line in wanted:
        requirement = Requirement(line)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{name} is not in requirements/{lock}: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} in requirements/{lock} is outside {requirement.specifier}: run make lock"
        )
    assert "honcho" not in _pins("runtime.txt"), "the demo's process runner is not part of the running system"
