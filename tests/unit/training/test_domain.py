"""The training rules, without I/O: completion, overlap, candidate ranking, corrections, credentials, identity."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.training import domain
from shared import hashing, identity
from shared.errors import Unauthorized

RULE = domain.CompletionRule(min_attendance=0.8)


@pytest.mark.parametrize(
    ("present", "meetings", "completed"),
    [(8, 10, True), (7, 10, False), (10, 10, True), (0, 10, False), (4, 5, True), (3, 5, False)],
)
def test_completion_needs_the_minimum_attendance_share(present, meetings, completed):
    decision = domain.decide(RULE, meetings, present, None)
    assert decision.completed is completed
    assert decision.attendance_rate == pytest.approx(present / meetings)
    assert (decision.reason is None) is completed


def test_a_required_post_test_must_exist_and_pass():
    rule = domain.CompletionRule(0.8, post_test_required=True, passing_score=70)
    assert domain.decide(rule, 10, 9, None).reason == "nilai post-test belum ada"
    assert not domain.decide(rule, 10, 9, 69.5).completed
    assert domain.decide(rule, 10, 9, 70).completed
    assert "kehadiran" in domain.decide(rule, 10, 5, 95).reason, "attendance is checked first"


@given(st.integers(0, 50), st.integers(1, 50), st.floats(0, 1))
def test_more_attendance_never_loses_a_completion(present, meetings, minimum):
    present = min(present, meetings)
    rule = domain.CompletionRule(minimum)
    if domain.decide(rule, meetings, present, None).completed and present < meetings:
        assert domain.decide(rule, meetings, present + 1, None).completed


def _slot(day, start, end):
    return domain.Slot(dt.date(2026, 12, day), dt.time(start), dt.time(end))


def test_overlap_means_the_same_day_and_intersecting_hours():
    assert domain.schedules_overlap([_slot(1, 8, 12)], [_slot(1, 11, 15)])
    assert not domain.schedules_overlap([_slot(1, 8, 12)], [_slot(1, 12, 15)]), "back to back is fine"
    assert not domain.schedules_overlap([_slot(1, 8, 12)], [_slot(2, 8, 12)])
    assert domain.schedules_overlap([_slot(1, 8, 9), _slot(3, 8, 12)], [_slot(2, 8, 9), _slot(3, 10, 11)])
    assert not domain.schedules_overlap([], [_slot(1, 8, 9)])


def test_candidates_rank_by_priority_then_needs_then_gap_then_nip():
    ranked = domain.rank(
        [
            domain.Candidate("3", 1, 4.0, 2),
            domain.Candidate("1", 2, 6.0, 1),
            domain.Candidate("2", 1, 6.0, 3),
            domain.Candidate("4", 1, 4.0, 2),
        ]
    )
    assert [c.nip for c in ranked] == ["1", "2", "3", "4"]
    planned = domain.rank([domain.Candidate("1", 2, 6.0, 1), domain.Candidate("9", 1, 1.0, 1, in_plan=True)])
    assert [c.nip for c in planned] == ["9", "1"], "the approved plan's ASN first"


def test_a_later_record_corrects_and_an_older_or_equal_one_does_not():
    t = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
    assert domain.supersedes(t, None)
    assert domain.supersedes(t + dt.timedelta(minutes=1), t)
    assert not domain.supersedes(t, t)
    assert not domain.supersedes(t - dt.timedelta(minutes=1), t)


def test_secrets_are_hashed_and_verified():
    key_id, secret = domain.new_credentials()
    stored = hashing.hash_secret(secret)
    assert key_id.startswith("pk_") and secret not in stored
    assert hashing.verify_secret(secret, stored)
    assert not hashing.verify_secret(secret + "x", stored)
    assert not hashing.verify_secret(secret, "garbage")
    assert hashing.hash_secret(secret) != stored, "salted"


def test_the_gateway_identity_is_signed_and_expires():
    caller = identity.Identity("pk_1", ("partner",), "UNIMAL")
    header = identity.encode(caller, "s3cret", now=1000)
    decoded = identity.decode(header, "s3cret", now=1010)
    assert (decoded.subject, decoded.roles, decoded.partner_code) == ("pk_1", ("partner",), "UNIMAL")
    with pytest.raises(Unauthorized, match="not valid"):
        identity.decode(header, "other-secret", now=1010)
    with pytest.raises(Unauthorized, match="expired"):
        identity.decode(header, "s3cret", now=1000 + 301)
    with pytest.raises(Unauthorized, match="missing"):
        identity.decode(None, "s3cret")
    jose, payload, signature = header.split(".")  # a JWT: header, claims, signature
    forged = identity.encode(identity.Identity("pk_1", ("partner",), "OTHER"), "guess", now=1000).split(".")[1]
    with pytest.raises(Unauthorized):
        identity.decode(f"{jose}.{forged}.{signature}", "s3cret", now=1010)


def _decide(**overrides):
    when = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)
    facts = {
        "seen_body": None,
        "body": "h1",
        "batch_known": True,
        "participant_known": True,
        "meeting_known": True,
        "batch_closed": False,
        "recorded_at": when,
        "held_recorded_at": None,
    } | overrides
    return domain.decide_attendance(**facts)


@pytest.mark.parametrize(
    ("facts", "outcome", "field", "kept"),
    [
        ({}, "accepted", None, True),
        ({"held_recorded_at": dt.datetime(2026, 3, 2, 0, tzinfo=dt.UTC)}, "accepted", None, True),  # a correction
        ({"held_recorded_at": dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)}, "superseded", None, True),
        ({"held_recorded_at": dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)}, "superseded", None, True),  # a replay
        ({"seen_body": "h1"}, "duplicate", None, False),
        ({"seen_body": "h0"}, "conflict", None, False),
        ({"seen_body": "h1", "batch_known": False}, "duplicate", None, False),  # the event id is decided first
        ({"batch_known": False, "participant_known": False}, "not_found", "batch_id", False),
        ({"participant_known": False, "meeting_known": False}, "not_found", "nip", False),
        ({"meeting_known": False}, "not_found", "meeting_no", False),
        ({"batch_closed": True}, "closed", None, False),
        ({"meeting_known": False, "batch_closed": True}, "not_found", "meeting_no", False),
    ],
)
def test_the_six_outcomes_of_an_attendance_record(facts, outcome, field, kept):
    decision = _decide(**facts)
    assert (decision.outcome, decision.field, decision.keeps_receipt) == (outcome, field, kept)


def test_a_form_that_asks_for_a_report_or_product_completes_only_with_it():
    rule = domain.CompletionRule(min_attendance=0.8, evidence="report")
    assert domain.decide(rule, 10, 9, None, None).reason == "laporan belum diterima"
    assert domain.decide(rule, 10, 9, None, "Laporan magang").completed
    assert "kehadiran" in domain.decide(rule, 10, 5, None, "Laporan magang").reason, "attendance first"
    product = domain.CompletionRule(min_attendance=0.0, evidence="product")
    assert domain.decide(product, 1, 1, None).reason == "produk belum diterima"
