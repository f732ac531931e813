"""PEG and PSFS: scores, bad input in one line, when each is due, the minimal important change."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from easeback.domain.outcomes import Measure, OutcomeError, change_words, due, mic, peg, psfs

T = datetime(2026, 3, 2, 9, 0)


def test_peg_score_is_the_mean():
    assert peg(T, 6, 4, 5).score == 5.0
    assert [k for k, _ in peg(T, 0, 0, 0).items] == ["pain", "enjoyment", "activity"]


@pytest.mark.parametrize("bad", [11, -1, "5", None, True])
def test_peg_refuses_a_value_outside_0_to_10(bad):
    with pytest.raises(OutcomeError, match="PEG enjoyment must be a whole number from 0 to 10"):
        peg(T, 5, bad, 5)


def test_psfs_names_and_rates_up_to_three_activities():
    found = psfs(T, [("  Putting on  socks ", 3), ("", ""), ("Gardening", 5)])
    assert found.items == (("Putting on socks", 3), ("Gardening", 5)) and found.score == 4.0
    with pytest.raises(OutcomeError, match="name at least one activity"):
        psfs(T, [("", None)])
    with pytest.raises(OutcomeError, match="needs a name"):
        psfs(T, [("", 4)])
    with pytest.raises(OutcomeError, match="named twice"):
        psfs(T, [("Walking", 4), ("walking", 5)])
    with pytest.raises(OutcomeError, match="at most 3"):
        psfs(T, [(f"a{k}", 4) for k in range(4)])
    with pytest.raises(OutcomeError, match="activity 'Walking' must be"):
        psfs(T, [("Walking", "")])


def test_when_each_is_due():
    assert due(Measure.PEG, None, T)
    assert not due(Measure.PEG, T, T + timedelta(days=6))
    assert due(Measure.PEG, T, T + timedelta(days=7))
    assert not due(Measure.PSFS, T, T + timedelta(days=13))
    assert due(Measure.PSFS, T, T + timedelta(days=14))


def test_minimal_important_change_and_its_direction():
    assert mic("pain", 5) == 2.0 and mic("psfs", 3) == 2.0
    assert mic("peg", 6) == 1.8 and mic("peg", 2) == 1.0
    assert change_words("psfs", 3, 5) == "better" and change_words("peg", 3, 5) == "worse"
    assert change_words("pain", 6, 5) == "no important change"


def test_summary_reads_each_measure_in_words():
    from easeback.domain.outcomes import summary

    found = [
        peg(T, 6, 4, 5),
        psfs(T, [("Socks", 3), ("Gardening", 5)]),
        peg(T + timedelta(days=7), 3, 3, 3),
        psfs(T + timedelta(days=14), [("Socks", 7), ("Gardening", 6)]),
    ]
    got = summary(found)
    assert got["peg"]["text"] == "PEG 5.0 → 3.0: better"
    assert got["psfs"]["text"] == "PSFS 4.0 → 6.5: better"
    assert summary(found[:1])["peg"]["text"] == "PEG 5.0 (first recording)"
    assert summary([]) == {}
