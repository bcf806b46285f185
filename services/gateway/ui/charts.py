"""Charts as inline SVG, drawn on the server: no script and no asset to download, readable by screen
readers (each chart has a title and each mark its own title), and sharp on a phone. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]  # light → dark blue


def _open(kind: str, width: float, height: float, title: str, name: str | None = None) -> str:
    """The opening of a chart: its size and the title screen readers announce (``name``: the chart's own id, when a
    page shows two of a kind)."""
    label = f"{name or kind}-title"
    return (
        f'<svg class="chart {kind}" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="{label}"><title id="{label}">{escape(title)}</title>'
    )


def _shade(value: float, highest: float) -> str:
    if value <= 0 or highest <= 0:
        return PALETTE[0]
    return PALETTE[min(len(PALETTE) - 1, 1 + int((value / highest) * (len(PALETTE) - 2) + 0.5))]


def heatmap(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: dict[tuple[str, str], float],
    row_labels: dict[str, str] | None = None,
    column_labels: dict[str, str] | None = None,
    name: str = "heatmap",
) -> str:
    """A grid of ``rows`` × ``columns``; a cell's darkness grows with its value (0: white, no number).

    Rows and columns are shown by their names (``row_labels``, ``column_labels``), whole up to a generous length
    (then shortened with an ellipsis, the whole name in the cell's tooltip); the margins grow with the names."""
    row_names = {r: _shorten((row_labels or {}).get(r, r), 60) for r in rows}
    column_names = {c: _shorten((column_labels or {}).get(c, c), 40) for c in columns}
    cell = 34
    left = min(560, 24 + int(6.6 * max((len(n) for n in row_names.values()), default=4)))
    top = min(300, 30 + int(5.6 * max((len(n) for n in column_names.values()), default=4)))
    width, height = left + cell * len(columns) + 10, top + cell * len(rows) + 10
    highest = max(values.values(), default=0)
    parts = [_open("heatmap", width, height, title, name)]
    for j, column in enumerate(columns):
        x = left + j * cell + cell / 2
        label = escape(column_names[column])
        parts.append(f'<text class="col" x="{x}" y="{top - 8}" transform="rotate(-55 {x} {top - 8})">{label}</text>')
    for i, row in enumerate(rows):
        y = top + i * cell
        label = escape(row_names[row])
        parts.append(f'<text class="row" x="{left - 8}" y="{y + cell / 2 + 4}" text-anchor="end">{label}</text>')
        for j, column in enumerate(columns):
            value = values.get((row, column), 0)
            fill = _shade(value, highest)
            text_fill = "#fff" if fill in PALETTE[4:] else "#1a1a1a"
            parts.append(
                f'<g class="cell"><title>{escape((row_labels or {}).get(row, row))} · '
                f"{escape((column_labels or {}).get(column, column))}: {value:g}</title>"
                f'<rect x="{left + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}" rx="3"/>'
                + (
                    f'<text x="{left + j * cell + cell / 2 - 1}" y="{y + cell / 2 + 4}" text-anchor="middle" '
                    f'fill="{text_fill}">{value:g}</text>'
                    if value
                    else ""
                )
                + "</g>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def levels(title: str, items: Sequence[dict], current_label: str, required_label: str) -> str:
    """Per competency two bars on a 0–5 scale: the current level and the position's required level."""
    bar, gap, left, scale = 14, 12, 250, 60
    height = 40 + len(items) * (2 * bar + gap)
    width = left + 5 * scale + 40
    parts = [
        _open("levels", width, height, title),
        f'<rect x="{left}" y="6" width="12" height="12" class="current"/><text x="{left + 18}" y="16">{escape(current_label)}</text>',
        f'<rect x="{left + 150}" y="6" width="12" height="12" class="required"/>'
        f'<text x="{left + 168}" y="16">{escape(required_label)}</text>',
    ]
    for level in range(6):
        x = left + level * scale
        parts.append(
            f'<line x1="{x}" y1="28" x2="{x}" y2="{height}" class="grid"/>'
            f'<text x="{x}" y="{height - 2}" text-anchor="middle" class="tick">{level}</text>'
        )
    for i, item in enumerate(items):
        y = 30 + i * (2 * bar + gap)
        name = escape((item.get("competency_name") or item["competency_code"])[:34])
        current, required = item.get("current_level") or 0, item.get("required_level") or 0
        parts.append(
            f'<text x="{left - 8}" y="{y + bar + 4}" text-anchor="end">{name}</text>'
            f'<rect class="current" x="{left}" y="{y}" width="{current * scale}" height="{bar}">'
            f"<title>{name}: {escape(current_label)} {current}</title></rect>"
            f'<rect class="required" x="{left}" y="{y + bar}" width="{required * scale}" height="{bar}">'
            f"<title>{name}: {escape(required_label)} {required}</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)


def bars(title: str, items: Sequence[tuple[str, float]], maximum: float, unit: str = "") -> str:
    """Horizontal bars, e.g. the pre-test and post-test means on 0–100."""
    bar, left, width = 26, 130, 460
    height = 12 + len(items) * (bar + 10)
    parts = [_open("bars", width, height, title)]
    span = width - left - 60
    for i, (label, value) in enumerate(items):
        y = 6 + i * (bar + 10)
        length = 0 if maximum <= 0 else max(0.0, min(1.0, value / maximum)) * span
        parts.append(
            f'<text x="{left - 8}" y="{y + bar / 2 + 5}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar{i}" x="{left}" y="{y}" width="{length:.1f}" height="{bar}" rx="3"/>'
            f'<text x="{left + length + 6:.1f}" y="{y + bar / 2 + 5}">{value:.1f}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
