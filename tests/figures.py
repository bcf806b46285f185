"""Figures a suite reports (the fault suite's recovery times, the fuzz suite's case counts), printed at the end
of the run by the root conftest."""

from __future__ import annotations

FIGURES: dict[str, list[tuple[str, str]]] = {}


def report(suite: str, name: str, figures: dict) -> None:
    FIGURES.setdefault(suite, []).append((name, "  ".join(f"{k}={v}" for k, v in figures.items())))
