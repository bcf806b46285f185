"""`bangkom needs …` on a real database: seed, upsert from a CSV export, recompute."""

from __future__ import annotations

from click.testing import CliRunner

from services.cli import main
from tests.integration.needs.conftest import new_nip


def test_upsert_employees_from_csv_reports_rejected_rows_by_line(
    api, position, competency, settings, monkeypatch, tmp_path
):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KAFKA_TOPIC_PREFIX", settings.kafka_topic_prefix)
    position_code = position({competency(): 2})
    good = new_nip()
    csv_file = tmp_path / "pegawai.csv"
    csv_file.write_text(
        "nip;name;position_code;unit_code;unit_name;employment_status;active\n"
        f"{good};Tgk. Chik di Tiro;{position_code};SETDA;Sekretariat Daerah;PNS;ya\n"
        "19860926201505100;Salah NIP;;SETDA;Sekretariat Daerah;PNS;ya\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(main, ["needs", "upsert-employees", str(csv_file)])
    assert result.exit_code == 1, result.output
    assert "received 2, added 1, updated 0, unchanged 0, rejected 1" in result.output
    assert "row 2 (NIP 19860926201505100): nip: NIP must be exactly 18 digits." in result.output
    assert api("GET", f"/employees/{good}")["unit_name"] == "Sekretariat Daerah"

    again = runner.invoke(main, ["needs", "upsert-employees", str(csv_file)])
    assert "added 0, updated 0, unchanged 1, rejected 1" in again.output

    recompute = runner.invoke(main, ["needs", "recompute", "--year", "2026"])
    assert recompute.exit_code == 0 and recompute.output.startswith("2026: ")
    assert runner.invoke(main, ["needs", "seed"]).output.startswith("competencies: 9")
