"""The UI's server-drawn SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from services.gateway.ui import charts

SVG = "{http://www.w3.org/2000/svg}"


def test_a_heatmap_has_a_cell_per_row_and_column_darker_for_more():
    values = {("DINKES", "T-YANKES"): 12, ("BPBD", "T-GIS"): 3}
    svg = ET.fromstring(
        charts.heatmap(
            "Kesenjangan <2026>",
            ["BPBD", "DINKES"],
            ["T-GIS", "T-YANKES"],
            values,
            row_labels={"BPBD": "Badan Penanggulangan Bencana Daerah"},
        )
    )
    assert svg.find(f"{SVG}title").text == "Kesenjangan <2026>"  # escaped in the markup, intact in the document
    cells = svg.findall(f"{SVG}g")
    assert len(cells) == 4
    fills = {cell.find(f"{SVG}title").text: cell.find(f"{SVG}rect").get("fill") for cell in cells}
    assert fills["DINKES · T-YANKES: 12"] == charts.PALETTE[-1]
    assert fills["BPBD · T-YANKES: 0"] == charts.PALETTE[0]
    assert charts.PALETTE.index(fills["BPBD · T-GIS: 3"]) < charts.PALETTE.index(fills["DINKES · T-YANKES: 12"])
    numbers = [cell.find(f"{SVG}text").text for cell in cells if cell.find(f"{SVG}text") is not None]
    assert sorted(numbers) == ["12", "3"]  # empty cells show no number


def test_levels_draw_current_and_required_bars_to_scale():
    svg = ET.fromstring(
        charts.levels(
            "Level", [{"competency_code": "T-GIS", "current_level": 1, "required_level": 3}], "Saat ini", "Standar"
        )
    )
    bars = {
        r.get("class"): float(r.get("width")) for r in svg.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None
    }
    assert bars["required"] == 3 * bars["current"]


def test_bars_are_clamped_to_the_scale():
    svg = ET.fromstring(charts.bars("Nilai", [("Pre-test", 45.0), ("Post-test", 140.0)], 100))
    widths = [float(r.get("width")) for r in svg.findall(f"{SVG}rect")]
    assert widths[1] == (460 - 130 - 60) and widths[0] == widths[1] * 0.45
