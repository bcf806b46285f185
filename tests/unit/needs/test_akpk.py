"""The yearly AKPK's pure rules: a proposal's states, the SBU's Rupiah, comparing plan versions, realisation."""

from hypothesis import given
from hypothesis import strategies as st

from services.needs import akpk


def test_an_employees_own_proposal_is_agreed_by_the_supervisor_before_the_opd_submits_it():
    assert akpk.proposal_step("draft", "submit", "employee") is None, "not before the supervisor agreed"
    assert akpk.proposal_step("draft", "agree", "employee") == ("agreed", ("supervisor",))
    assert akpk.proposal_step("agreed", "submit", "employee") == ("submitted", ("opd", "admin"))
    assert akpk.proposal_step("draft", "agree", "opd") is None, "an OPD's proposal needs no supervisor"
    assert akpk.proposal_step("draft", "submit", "opd") == ("submitted", ("opd", "admin"))


def test_only_bkpsdm_validates_or_returns_and_a_returned_proposal_goes_back_to_the_opd():
    assert akpk.proposal_step("submitted", "validate", "opd") == ("validated", ("admin",))
    assert akpk.proposal_step("submitted", "return", "employee") == ("returned", ("admin",))
    assert akpk.proposal_step("returned", "submit", "opd") == ("submitted", ("opd", "admin"))
    assert akpk.proposal_step("validated", "return", "opd") is None, "a validated proposal is final"
    assert akpk.proposal_step("withdrawn", "submit", "opd") is None


@given(st.sampled_from(akpk.PROPOSAL_STATES), st.sampled_from(akpk.PROPOSAL_ACTION_NAMES))
def test_every_step_ends_in_a_known_state(state, action):
    for origin in akpk.PROPOSAL_ORIGINS:
        step = akpk.proposal_step(state, action, origin)
        assert step is None or step[0] in akpk.PROPOSAL_STATES


def test_many_developments_cost_per_jp_on_their_sum_and_per_participant_on_their_count():
    assert akpk.cost_of_many("jp", 150_000, 24, 3) == 3_600_000  # three people, 24 JP together
    assert akpk.cost_of_many("participant", 3_500_000, 54, 3) == 10_500_000
    assert akpk.cost_of_many(None, None, 54, 3) == 0  # no SBU for the form
    assert akpk.cost_of_many("participant", 3_500_000, 18, 1) == akpk.cost("participant", 3_500_000, 18)
