"""Tests of vrp_lib.onsets: the rule against a direct loop and hand-built paths."""

import numpy as np
import pandas as pd
import pytest

from vrp_lib import onsets, regimes


def _path(levels):
    idx = pd.bdate_range("2001-01-01", periods=len(levels), name="date")
    return pd.Series(np.asarray(levels, dtype=float), index=idx)


def _loop_onsets(p, drop, lookback, quiet):
    """The rule written as a plain loop, day by day."""
    v = p.to_numpy()
    breach = [i >= lookback - 1 and v[i] <= (1 - drop) * max(v[i - lookback + 1:i + 1])
              for i in range(len(v))]
    out = []
    for i in range(len(v)):
        if breach[i] and i >= lookback - 1 + quiet and not any(breach[i - quiet:i]):
            out.append(p.index[i])
    return pd.DatetimeIndex(out)


def test_hand_path_two_onsets():
    # flat at 100, a fall to 89 on days 130-139 (11 % below the high), a rebound, a second fall
    # on day 260 after 120 quiet days, and a repeat breach on day 265 (not an onset)
    v = np.full(400, 100.0)
    v[130:140] = 89.0
    v[260] = 85.0
    v[265] = 88.0
    p = _path(v)
    b = onsets.breaches(p, 0.10, 63)
    assert list(np.flatnonzero(b)) == list(range(130, 140)) + [260, 265]
    got = onsets.rule_onsets(p, 0.10, 63, 63)
    assert list(got.index) == [p.index[130], p.index[260]]
    np.testing.assert_allclose(got["Close"], [89.0, 85.0])
    np.testing.assert_allclose(got["63-day high"], [100.0, 100.0])
    np.testing.assert_allclose(got["Fall from the high (%)"], [11.0, 15.0], rtol=1e-14)
    # 120 quiet days (140 .. 259) are enough, 121 (139 .. 259) are not
    assert list(onsets.rule_onsets(p, 0.10, 63, 120).index) == [p.index[260]]
    assert onsets.rule_onsets(p, 0.10, 63, 121).empty
    # a fall before lookback - 1 + quiet days cannot be an onset: its quiet period is unseen
    assert list(onsets.rule_onsets(p, 0.10, 63, 68).index) == [p.index[130], p.index[260]]
    assert list(onsets.rule_onsets(p, 0.10, 63, 69).index) == [p.index[260]]
    # a drop of exactly 10 % is a breach (at most 90 % of the high)
    v2 = np.full(200, 100.0)
    v2[150] = 90.0
    assert list(onsets.rule_onsets(_path(v2)).index) == [_path(v2).index[150]]


def test_rule_matches_loop_on_random_walks():
    rng = np.random.default_rng(3)
    for seed in range(5):
        r = rng.normal(0, 0.02, 900)
        p = _path(100 * np.exp(np.cumsum(r)))
        for drop, lb, q in ((0.10, 63, 63), (0.05, 21, 42), (0.15, 126, 10)):
            got = onsets.rule_onsets(p, drop, lb, q)
            assert got.index.equals(_loop_onsets(p, drop, lb, q)), (seed, drop, lb, q)


def test_onset_table_and_summary():
    rng = np.random.default_rng(0)
    idx = pd.bdate_range("2001-01-01", periods=900, name="date")
    r = rng.normal(0, 0.004, 900)
    r[[300, 600]] = -0.15
    spx = pd.Series(100 * np.exp(np.cumsum(r)), index=idx)
    vix = pd.Series(18.0 + np.sin(np.arange(900) / 20), index=idx)
    frame = regimes.origin_frame(vix, spx, 21)
    on = onsets.rule_onsets(spx).index
    assert on[0] == idx[300]
    t = onsets.onset_table(frame, on)
    ref = regimes.crisis_table(frame, {f"{d:%Y-%m-%d}": d for d in on if d in t.index.map(pd.Timestamp)})
    pd.testing.assert_frame_equal(t, ref)
    s = onsets.onset_summary(t)
    x = t["Premium at onset (vol points)"].to_numpy()
    assert s["n"] == len(x) and s["negative"] == int((x < 0).sum())
    assert s["mean"] == pytest.approx(x.mean(), rel=1e-15)
    assert s["se"] == pytest.approx(x.std(ddof=1) / np.sqrt(len(x)), rel=1e-15)
    # an onset too close to the end is left out, not refused
    late = pd.DatetimeIndex([idx[300], frame.index[-5]])
    assert len(onsets.onset_table(frame, late)) == 1


def test_bad_input():
    p = _path(np.linspace(100, 120, 300))
    with pytest.raises(ValueError, match="drop"):
        onsets.breaches(p, 10.0)
    with pytest.raises(ValueError, match="lookback"):
        onsets.breaches(p, 0.1, 300)
    with pytest.raises(ValueError, match="quiet"):
        onsets.rule_onsets(p, 0.1, 63, 10**7)
    with pytest.raises(TypeError, match="lookback"):
        onsets.breaches(p, 0.1, True)
    assert onsets.rule_onsets(p, 0.1, 63.0, 63.0).equals(onsets.rule_onsets(p, 0.1, 63, 63))
    # the table of rule_onsets is accepted as onsets (its index)
    assert onsets.rule_onsets(p).empty


def test_term_repair_counts_inverted_closes_and_the_days_to_repair_by_hand():
    dates = pd.bdate_range("2015-01-01", periods=300)
    front = pd.Series(20.0, index=dates)
    back = pd.Series(22.0, index=dates)
    front.iloc[100:110] = 30.0                 # inverted for 10 closes from the onset on day 100
    front.iloc[150:155] = 30.0                 # and 5 more later in the window
    front.iloc[200] = 22.0                     # flat (back == front) is not inverted
    back = back.drop(dates[120])               # a day without the back quote is skipped
    t = onsets.term_repair(front, back, [dates[50], dates[100], dates[200], dates[280]], after=63)
    assert list(t.columns) == list(onsets.REPAIR_COLUMNS) and t.index.name == "Onset"
    row = t.loc[f"{dates[100]:%Y-%m-%d}"]
    assert row.tolist() == [-8.0, 15, 10.0]
    assert t.loc[f"{dates[50]:%Y-%m-%d}"].tolist() == [2.0, 10, 0.0]      # days 100-109 fall inside
    assert t.loc[f"{dates[200]:%Y-%m-%d}"].tolist() == [0.0, 0, 0.0]
    assert f"{dates[280]:%Y-%m-%d}" not in t.index                       # fewer than 63 closes left
    late = onsets.term_repair(front, back.iloc[60:], [dates[50], dates[100]], after=63)
    assert list(late.index) == [f"{dates[100]:%Y-%m-%d}"]              # day 50 precedes the back quotes
    always = onsets.term_repair(front.clip(lower=30.0), back, [dates[10]], after=20)
    assert np.isnan(always.iloc[0, 2]) and always.iloc[0, 1] == 20


def test_term_repair_refuses_what_it_cannot_follow():
    dates = pd.bdate_range("2015-01-01", periods=100)
    front, back = pd.Series(20.0, index=dates), pd.Series(22.0, index=dates)
    with pytest.raises(ValueError, match="onsets: none has 63"):
        onsets.term_repair(front, back, [dates[90]])
    with pytest.raises(TypeError, match="onsets"):
        onsets.term_repair(front, back, "2015-02-02")
    with pytest.raises(ValueError, match="front"):
        onsets.term_repair(front / 100, back, [dates[0]])                # decimals, not vol points
