"""vrp_lib.bootstrap: the moving-block bootstrap against closed forms and limit cases."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vrp_lib import bootstrap


def test_block_indices_shape_and_blocks():
    idx = bootstrap.block_indices(10, 3, 5, seed=1)
    assert idx.shape == (5, 10)
    assert idx.min() >= 0 and idx.max() <= 9
    # positions within a block are consecutive
    for row in idx:
        for j in range(0, 9, 3):
            blk = row[j:j + 3]
            assert np.all(np.diff(blk) == 1)


def test_deterministic():
    x = np.random.default_rng(0).normal(size=500)
    a = bootstrap.block_bootstrap(x, "mean", block=20, n_boot=200, seed=3)
    b = bootstrap.block_bootstrap(x, "mean", block=20, n_boot=200, seed=3)
    assert np.array_equal(a, b)


def test_se_matches_exact_block_variance():
    """Simulated SE of the mean against the closed-form bootstrap variance (block divides n)."""
    rng = np.random.default_rng(7)
    e = rng.normal(size=2520)
    x = np.convolve(e, np.ones(21), mode="valid")[:2520 - 20]  # MA(20): overlapping windows
    x = x[: (len(x) // 50) * 50]
    exact = np.sqrt(bootstrap.block_mean_variance(x, 50))
    se = bootstrap.block_bootstrap_se(x, "mean", block=50, n_boot=20000, seed=0)
    assert se == pytest.approx(exact, rel=0.03)


def test_block_one_is_iid_bootstrap():
    """With blocks of one the bootstrap SE of a mean is the population std / sqrt(n)."""
    x = np.random.default_rng(2).exponential(size=400)
    se = bootstrap.block_bootstrap_se(x, "mean", block=1, n_boot=40000, seed=1)
    assert se == pytest.approx(x.std() / np.sqrt(x.size), rel=0.02)
    assert bootstrap.block_mean_variance(x, 1) == pytest.approx(x.var() / x.size)


def test_hit_rate_se_iid_limit():
    x = np.random.default_rng(5).normal(0.5, 1.0, size=1000)
    p = (x > 0).mean()
    se = bootstrap.block_bootstrap_se(x, "hit_rate", block=1, n_boot=40000, seed=2)
    assert se == pytest.approx(np.sqrt(p * (1 - p) / x.size), rel=0.03)


def test_dependence_widens_the_se():
    rng = np.random.default_rng(11)
    x = np.convolve(rng.normal(size=3000), np.ones(21) / 21, mode="valid")
    iid = bootstrap.block_bootstrap_se(x, "mean", block=1, n_boot=2000, seed=0)
    blk = bootstrap.block_bootstrap_se(x, "mean", block=252, n_boot=2000, seed=0)
    assert blk > 3 * iid


def test_ci_contains_estimate_and_is_ordered():
    x = pd.Series(np.random.default_rng(3).normal(1, 2, 600),
                  index=pd.bdate_range("2000-01-03", periods=600))
    lo, hi = bootstrap.block_bootstrap_ci(x, "mean", block=20, n_boot=500)
    assert lo < x.mean() < hi


def test_sharpe_statistic_and_callable():
    x = np.random.default_rng(4).normal(0.1, 1.0, 300)
    d = bootstrap.block_bootstrap(x, "sharpe", block=10, n_boot=50)
    d2 = bootstrap.block_bootstrap(x, lambda a: a.mean(-1) / a.std(-1, ddof=1), block=10, n_boot=50)
    assert np.allclose(d, d2)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40))
def test_indices_stay_in_range(n, block):
    if block > n:
        with pytest.raises(ValueError, match="fewer than one block"):
            bootstrap.block_indices(n, block, 3)
    else:
        idx = bootstrap.block_indices(n, block, 3)
        assert idx.shape == (3, n) and idx.min() >= 0 and idx.max() < n


@pytest.mark.parametrize("bad, match", [
    (None, "x: got None"), ([], "x: is empty"), ([1.0, np.nan], "x: contains NaN"),
    ([1.0, np.inf], "x: contains an infinite value"), (np.ones((2, 2)), "x: expected 1-D"),
    (pd.DataFrame({"a": [1.0]}), "x: expected a Series"), ([True, False], "x: booleans"),
    (["a", "b"], "x: contains None, a boolean or a string"),
])
def test_bad_x(bad, match):
    with pytest.raises(ValueError, match=match):
        bootstrap.block_bootstrap_se(bad, block=1)


def _dated(values, index):
    return pd.Series(np.asarray(values, dtype=float), index=index)


@pytest.mark.parametrize("index, match", [
    (pd.date_range("2000-01-03", periods=3, tz="UTC"), "x: tz-aware index"),
    (pd.DatetimeIndex(["2000-01-04", "2000-01-03", "2000-01-05"]), "x: dates are not sorted"),
    (pd.DatetimeIndex(["2000-01-03", "2000-01-03", "2000-01-05"]), "x: duplicate date"),
])
def test_bad_series_index(index, match):
    with pytest.raises(ValueError, match=match):
        bootstrap.block_bootstrap_se(_dated([1.0, 2.0, 3.0], index), block=1)


def test_series_without_dates_is_taken_in_order():
    s = pd.Series([1.0, 5.0, 2.0, 7.0], index=["a", "b", "c", "d"])
    assert bootstrap.block_mean_variance(s, 2) == bootstrap.block_mean_variance(s.to_numpy(), 2)


@pytest.mark.parametrize("seed", [None, True, 1.5, float("nan"), "0"])
def test_bad_seed(seed):
    with pytest.raises(TypeError, match="seed must be an integer"):
        bootstrap.block_bootstrap_se(np.arange(10.0), block=2, seed=seed)


def test_bad_parameters():
    x = np.arange(10.0)
    with pytest.raises(ValueError, match="x: 10 observations, fewer than one block"):
        bootstrap.block_bootstrap_se(x, block=11)
    with pytest.raises(ValueError, match="n: 5 observations, fewer than one block"):
        bootstrap.block_indices(5, 6, 3)
    with pytest.raises(TypeError, match="block must be an integer"):
        bootstrap.block_bootstrap_se(x, block=2.5)
    with pytest.raises(TypeError, match="n_boot must be an integer"):
        bootstrap.block_bootstrap_se(x, block=2, n_boot=True)
    with pytest.raises(ValueError, match="seed must be at least 0"):
        bootstrap.block_bootstrap_se(x, block=2, seed=-1)
    with pytest.raises(ValueError, match="statistic must be one of"):
        bootstrap.block_bootstrap_se(x, "median")
    with pytest.raises(ValueError, match="level must be in"):
        bootstrap.block_bootstrap_ci(x, level=95, block=2)
    with pytest.raises(TypeError, match="level"):
        bootstrap.block_bootstrap_ci(x, level="0.95", block=2)
    with pytest.raises(ValueError, match="must divide"):
        bootstrap.block_mean_variance(x, 3)


# --- paired differences -------------------------------------------------------------------

def _pair(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return x, 0.8 * x + 0.2 * rng.normal(size=n)


def test_paired_difference_matches_the_one_sample_bootstrap():
    x, y = _pair()
    out = bootstrap.paired_difference(x, y, block=40, n_boot=500, seed=3)
    # same seed, same blocks: each margin is block_bootstrap_se of that series (to rounding:
    # a named statistic is taken from block sums, the one-sample bootstrap from a gather) ...
    assert out["se_x"] == pytest.approx(
        bootstrap.block_bootstrap_se(x, block=40, n_boot=500, seed=3), rel=1e-12)
    assert out["se_y"] == pytest.approx(
        bootstrap.block_bootstrap_se(y, block=40, n_boot=500, seed=3), rel=1e-12)
    # ... and for a mean (linear) the difference is the bootstrap of x - y
    assert out["se_difference"] == pytest.approx(
        bootstrap.block_bootstrap_se(x - y, block=40, n_boot=500, seed=3), rel=1e-10)
    assert out["difference"] == pytest.approx(x.mean() - y.mean(), rel=1e-12)
    # pairing keeps the correlation: far below the independent-samples formula
    assert out["se_difference"] < 0.5 * np.hypot(out["se_x"], out["se_y"])


@pytest.mark.parametrize("statistic", ["mean", "hit_rate", "sharpe"])
@pytest.mark.parametrize("n, block, offset", [(1000, 40, 0.0), (997, 1, 0.3), (613, 612, 0.1),
                                              (800, 50, 1.5)])
def test_paired_difference_block_sums_equal_the_resampled_statistic(statistic, n, block, offset):
    """A named statistic comes from block sums; the same statistic as a callable takes the
    n_boot x n gather of joint_block_bootstrap: the same resamples, the same numbers (a hit
    rate exactly: its sums are counts; a Sharpe ratio also far from zero mean: centred)."""
    x, y = _pair(n, 5)
    x, y = x + offset, y + offset
    fast = bootstrap.paired_difference(x, y, statistic, block=block, n_boot=300, seed=2)
    slow = bootstrap.paired_difference(x, y, bootstrap.STATISTICS[statistic], block=block,
                                       n_boot=300, seed=2)
    for key, value in slow.items():
        if statistic == "hit_rate":
            assert fast[key] == value, key
        else:   # rounding of numbers of size 1 + offset, in either path
            assert fast[key] == pytest.approx(value, rel=1e-11, abs=1e-13 * (1 + offset)), key


def test_paired_difference_of_hit_rates_against_a_constant_sample():
    # y always negative: its hit rate is 0 on every resample, so the difference's SE is x's
    x, _ = _pair()
    y = -np.ones_like(x)
    out = bootstrap.paired_difference(x, y, "hit_rate", block=40, n_boot=400, seed=1)
    assert out["y"] == 0.0 and out["se_y"] == 0.0
    assert out["difference"] == pytest.approx((x > 0).mean())
    assert out["se_difference"] == pytest.approx(out["se_x"], rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_paired_difference_is_antisymmetric(seed):
    x, y = _pair(300, seed)
    ab = bootstrap.paired_difference(x, y, block=20, n_boot=200, seed=seed)
    ba = bootstrap.paired_difference(y, x, block=20, n_boot=200, seed=seed)
    assert ab["difference"] == -ba["difference"]
    assert ab["se_difference"] == pytest.approx(ba["se_difference"], rel=1e-12)


@pytest.mark.parametrize("call, match", [
    (lambda x, y: bootstrap.paired_difference(x, y[:-1], block=10), "lengths differ"),
    (lambda x, y: bootstrap.paired_difference(x, x, block=10), "nothing to compare"),
    # a Sharpe ratio ignores scale: x and 2x differ by nothing it measures
    (lambda x, y: bootstrap.paired_difference(x, 2.0 * x, "sharpe", block=10, n_boot=50),
     "nothing to compare"),
    (lambda x, y: bootstrap.paired_difference(x, np.where(y > 0, np.nan, y), block=10), "y"),
    (lambda x, y: bootstrap.paired_difference(x, y, block=5000), "fewer than one block"),
    (lambda x, y: bootstrap.paired_difference(x, y, "median", block=10), "statistic"),
    (lambda x, y: bootstrap.paired_difference(
        pd.Series(x, index=pd.bdate_range("2000-01-03", periods=x.size)),
        pd.Series(y, index=pd.bdate_range("2001-01-01", periods=y.size)), block=10),
     "dates differ"),
])
def test_paired_difference_rejects_bad_input(call, match):
    x, y = _pair()
    with pytest.raises(ValueError, match=match):
        call(x, y)


# --- several series resampled together -----------------------------------------------------

def test_joint_bootstrap_of_one_column_is_the_one_series_bootstrap():
    x, _ = _pair()
    joint = bootstrap.joint_block_bootstrap(x[:, None], lambda r: r[..., 0].mean(axis=-1),
                                            block=40, n_boot=300, seed=5)
    np.testing.assert_array_equal(joint, bootstrap.block_bootstrap(x, "mean", block=40,
                                                                   n_boot=300, seed=5))


def test_joint_bootstrap_keeps_rows_together():
    # y is an exact linear function of x: every resample keeps the correlation at 1,
    # and a statistic with two outputs gives two columns
    x, _ = _pair()
    both = np.column_stack([x, 3.0 * x - 1.0])

    def corr_and_mean(r):
        c = [np.corrcoef(s[:, 0], s[:, 1])[0, 1] for s in r]
        return np.column_stack([c, r[..., 0].mean(axis=-1)])

    draws = bootstrap.joint_block_bootstrap(both, corr_and_mean, block=40, n_boot=100, seed=2)
    assert draws.shape == (100, 2)
    np.testing.assert_allclose(draws[:, 0], 1.0, rtol=0, atol=1e-12)
    frame = pd.DataFrame(both, index=pd.bdate_range("2000-01-03", periods=len(x)))
    np.testing.assert_array_equal(
        bootstrap.joint_block_bootstrap(frame, corr_and_mean, block=40, n_boot=100, seed=2), draws)


@pytest.mark.parametrize("call, match", [
    (lambda b: bootstrap.joint_block_bootstrap(b[:, 0], lambda r: r.mean(axis=(1, 2)), block=5),
     "x: expected 2-D"),
    (lambda b: bootstrap.joint_block_bootstrap(b, "mean", block=5), "statistic must be a callable"),
    (lambda b: bootstrap.joint_block_bootstrap(b, lambda r: r, block=5), "one value"),
    (lambda b: bootstrap.joint_block_bootstrap(b, lambda r: np.full(r.shape[0], np.nan), block=5),
     "not finite"),
    (lambda b: bootstrap.joint_block_bootstrap(b, lambda r: r.mean(axis=(1, 2)), block=10_000),
     "fewer than one block"),
    (lambda b: bootstrap.joint_block_bootstrap(np.where(b > 1, np.nan, b),
                                               lambda r: r.mean(axis=(1, 2)), block=5),
     "x: contains NaN"),
])
def test_joint_bootstrap_rejects_bad_input(call, match):
    x, y = _pair()
    with pytest.raises((ValueError, TypeError), match=match):
        call(np.column_stack([x, y]))


# ------------------------------------------------------------- no silent results (sizes)

def test_rule_absurd_sizes_raise_at_once():
    """n = 10**7 ran past 10 s: sizes beyond the stated bounds raise before any draw."""
    import time

    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"n \* n_boot: 500,000,000 resampled positions exceed the memory bound"):
        bootstrap.block_indices(10**7, 12, 50)
    with pytest.raises(ValueError, match=r"n_boot \(10,000,000\) is above 100,000"):
        bootstrap.block_indices(60, 12, 10**7)
    with pytest.raises(ValueError, match=r"n: 60 observations, fewer than one block \(block = 61\)"):
        bootstrap.block_indices(60, 61, 10)
    x = np.random.default_rng(0).normal(size=60)
    for f in (bootstrap.block_bootstrap, bootstrap.block_bootstrap_se, bootstrap.block_bootstrap_ci):
        with pytest.raises(ValueError, match=r"n_boot \(10,000,000\) is above 100,000"):
            f(x, "mean", block=12, n_boot=10**7)
    with pytest.raises(ValueError, match=r"n_boot \(10,000,000\) is above 100,000"):
        bootstrap.paired_difference(x, x[::-1], block=12, n_boot=10**7)
    wide = np.random.default_rng(1).normal(size=(2000, 30))
    with pytest.raises(ValueError, match=r"n_boot \* x.size: 60,000,000 resampled positions"):
        bootstrap.joint_block_bootstrap(wide, lambda r: r.mean(axis=(1, 2)), block=20, n_boot=1000)
    assert time.perf_counter() - t0 < 1.0


def test_rule_size_bounds_are_inclusive():
    assert bootstrap.MAX_N_BOOT == 100_000 and bootstrap.MAX_DRAWS == 50_000_000
    assert bootstrap._n_boot(bootstrap.MAX_N_BOOT) == 100_000  # the bound itself is valid
    bootstrap._draws(bootstrap.MAX_DRAWS, "n * n_boot")  # (not built here: 400 MB)
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap._n_boot(bootstrap.MAX_N_BOOT + 1)
    with pytest.raises(ValueError, match="memory bound"):
        bootstrap._draws(bootstrap.MAX_DRAWS + 1, "n * n_boot")
    assert bootstrap.block_indices(2, 1, 100_000).shape == (100_000, 2)
    assert bootstrap.block_indices(20, 5, 3.0).shape == (3, 20)  # an integral float is the integer
