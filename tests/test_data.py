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


def test_vix_long_history_cboe():
    vix = data.load_vix()
    _check_index(vix.index)
    assert vix.name == "vix" and len(vix) == 8695 and vix.notna().all()
    assert (vix.index[0], vix.index[-1]) == (pd.Timestamp("1990-01-02"), pd.Timestamp("2024-06-20"))
    assert vix.iloc[0] == pytest.approx(17.24)
    assert vix.between(5, 100).all()
    # the record close of 16 March 2020 (Cboe: 82.69)
    assert vix.idxmax() == pd.Timestamp("2020-03-16") and vix.max() == pytest.approx(82.69)
    ohlc = data.load_vix_ohlc()
    assert list(ohlc.columns) == ["open", "high", "low", "close"]
    assert (ohlc["high"] >= ohlc["low"]).all()


def test_vix_calendar_against_spx():
    """The caveats of data/README.md: the extra and the missing days, exactly."""
    vix, spx = data.load_vix(), data.load_spx()["close"]
    extra = vix.index[~vix.index.isin(spx.index) & (vix.index <= spx.index[-1])]
    assert [str(d.date()) for d in extra] == [
        "2004-06-11", "2022-05-30", "2022-06-20", "2022-07-04", "2022-09-05", "2022-11-24"]
    missing = spx.index[~spx.index.isin(vix.index)]
    assert [str(d.date()) for d in missing] == [
        "1991-03-01", "1997-01-31", "1997-11-26", "1999-12-31", "2006-05-04"]


def test_vix_sources_agree():
    cboe, arch = data.load_vix(), data.load_vix("arch")
    _check_index(arch.index)
    assert len(arch) == 1259 and arch.notna().all()
    assert (arch.index[0], arch.index[-1]) == (pd.Timestamp("2014-01-03"), pd.Timestamp("2019-01-03"))
    assert arch.index.isin(cboe.index).all()
    diff = (arch - cboe.reindex(arch.index)).abs()
    assert list(diff[diff > 1e-9].index) == [pd.Timestamp("2015-07-23")]
    assert diff.max() == pytest.approx(0.01)
    with pytest.raises(ValueError, match="source must be"):
        data.load_vix("fred")


def test_treasury_rates():
    tr = data.load_treasury_rates()
    _check_index(tr.index)
    assert list(tr.columns)[:3] == ["1m", "2m", "3m"] and tr.shape == (8631, 13)
    assert tr["3m"].isna().sum() == 4
    assert tr["3m"].iloc[0] == pytest.approx(7.83)
    assert tr["3m"].dropna().between(-0.5, 10).all()


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
