"""What a person reads in the web UI instead of codes: the fields a refusal names."""

from __future__ import annotations

from flask import Flask, g

from services.gateway.ui.session import field_label


def test_a_refused_field_is_named_in_words_and_an_unknown_one_not_at_all():
    with Flask(__name__).test_request_context():
        g.lang = "id"
        assert field_label("nips") == "Peserta (NIP)"  # was "(nips: …)"
        assert field_label("jp") == "JP"
        assert field_label("enrollment_id") == "Peserta"  # was "enrollment_id: Status: enrolled."
        assert field_label("competencies.0.code") == "Kompetensi"
        assert field_label("meetings.2.date") == "Tanggal pertemuan"
        assert field_label("internal_thing") is None  # no code reaches a person
        g.lang = "en"
        assert field_label("nips") == "Participants (NIP)"
