"""vrp_lib.data: the embedded files are what data/README.md says they are."""

import pandas as pd
import pytest

from vrp_lib import data


def _check_index(idx):
    assert isinstance(idx, pd.DatetimeIndex) and idx.name == "date"
    assert idx.is_monotonic_increasing and not idx.has_duplicates


def test_spx_skfolio():
    spx = data.load_spx()
    _check_index(spx.index)
    assert list(spx.columns) == ["close"]
    assert (spx.index[0], spx.index[-1], len(spx)) == (pd.Timestamp("1990-01-02"), pd.Timestamp("2022-12-28"), 8313)
    assert spx["close"].iloc[0] == pytest.approx(359.69)
    assert (spx["close"] > 0).all()


def test_spx_arch_ohlc_agrees_with_skfolio():
    ohlc = data.load_spx("arch")
    _check_index(ohlc.index)
    assert {"open", "high", "low", "close"} <= set(ohlc.columns)
    assert len(ohlc) == 5031
    assert (ohlc["high"] >= ohlc["low"]).all()
    close = data.load_spx()["close"]
    common = ohlc.index.intersection(close.index)
    assert len(common) == 5031
    assert ((ohlc["close"][common] / close[common] - 1).abs().max()) < 1e-7


def test_vix_and_overlap():
    vix = data.load_vix()
    _check_index(vix.index)
    assert vix.name == "vix" and len(vix) == 1259 and vix.notna().all()
    assert (vix.index[0], vix.index[-1]) == (pd.Timestamp("2014-01-03"), pd.Timestamp("2019-01-03"))
    assert vix.between(5, 100).all()
    # every VIX date is an S&P 500 trading day
    assert vix.index.isin(data.load_spx().index).all()


def test_other_series():
    assert len(data.load_wti()) == 8611 - 290 and data.load_wti().notna().all()
    assert data.load_nasdaq().shape == (5031, 5)
    stocks = data.load_sp500_stocks()
    assert stocks.shape == (8313, 20) and stocks.notna().all().all()


def test_cboe_quotes():
    both = data.load_cboe_whitepaper_quotes()
    assert list(both.columns) == ["term", "strike", "call_bid", "call_ask", "put_bid", "put_ask"]
    near = data.load_cboe_whitepaper_quotes("near")
    assert near["strike"].is_monotonic_increasing and not near["strike"].duplicated().any()
    assert (len(near), len(data.load_cboe_whitepaper_quotes("next"))) == (186, 128)
    with pytest.raises(ValueError, match="term must be"):
        data.load_cboe_whitepaper_quotes("far")


def test_bad_source():
    with pytest.raises(ValueError, match="source must be"):
        data.load_spx("yahoo")
