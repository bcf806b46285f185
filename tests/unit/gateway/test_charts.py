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
            column_labels={"T-GIS": "Analisis Geospasial", "T-YANKES": "Pelayanan Kesehatan"},
        )
    )
    assert svg.find(f"{SVG}title").text == "Kesenjangan <2026>"  # escaped in the markup, intact in the document
    cells = svg.findall(f"{SVG}g")
    assert len(cells) == 4
    fills = {cell.find(f"{SVG}title").text: cell.find(f"{SVG}rect").get("fill") for cell in cells}
    assert fills["DINKES · Pelayanan Kesehatan: 12"] == charts.PALETTE[-1]
    assert fills["Badan Penanggulangan Bencana Daerah · Pelayanan Kesehatan: 0"] == charts.PALETTE[0]
    assert charts.PALETTE.index(fills["Badan Penanggulangan Bencana Daerah · Analisis Geospasial: 3"]) < (
        charts.PALETTE.index(fills["DINKES · Pelayanan Kesehatan: 12"])
    )
    labels = [t.text for t in svg.findall(f"{SVG}text") if t.get("class") in ("row", "col")]
    assert "Badan Penanggulangan Bencana Daerah" in labels and "Analisis Geospasial" in labels  # names, whole
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


def test_a_heatmap_makes_room_for_long_names_and_shortens_only_the_very_long():
    long_unit = "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana"
    svg = ET.fromstring(
        charts.heatmap("T", ["A", "B"], ["X"], {("A", "X"): 1}, row_labels={"A": long_unit, "B": "BPBD"})
    )
    rows = [t for t in svg.findall(f"{SVG}text") if t.get("class") == "row"]
    assert rows[0].text.endswith("…") and len(rows[0].text) == 60 and rows[1].text == "BPBD"
    assert float(rows[0].get("x")) > 350  # the margin grew with the name
    assert long_unit in svg.find(f"{SVG}g").find(f"{SVG}title").text  # the whole name on hover
