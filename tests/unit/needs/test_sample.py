"""The demo's employees read like a city's: no "Kepala Dinas Dinas Kesehatan" on a call-up letter."""

from __future__ import annotations

import re

from services.needs.sample import generate_employees, head_title


def test_the_head_of_an_opd_is_named_after_it_and_no_position_doubles_a_word():
    assert head_title("Dinas Kesehatan") == "Kepala Dinas Kesehatan"
    assert head_title("Badan Penanggulangan Bencana Daerah") == "Kepala Badan Penanggulangan Bencana Daerah"
    assert head_title("Sekretariat Daerah") == "Sekretaris Daerah"
    positions = {e["jabatanNama"] for e in generate_employees(240)}
    assert "Kepala Dinas Kesehatan" in positions
    assert not [p for p in positions if re.search(r"\b(\w+) \1\b", p)]
