"""Tests of vrp_lib.tables: each function pinned to literal expected strings and floats."""

import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from vrp_lib import regimes, tables


# ------------------------------------------------------------------- number_text, percent_text


def test_number_text_literals():
    assert tables.number_text(12345.678) == "12,345.7"
    assert tables.number_text(12345.678, 2) == "12,345.68"
    assert tables.number_text(-0.25, 2) == "-0.25"
    assert tables.number_text(8287, 0) == "8,287"
    assert tables.number_text(np.float64(1.05), 3) == "1.050"
    assert tables.number_text(1234567, 0) == "1,234,567"


def test_percent_text_literals():
    assert tables.percent_text(0.8534) == "85.3"
    assert tables.percent_text(0.8534, 2) == "85.34"
    assert tables.percent_text(12.5, 0) == "1,250"
    assert tables.percent_text(-0.031, 1) == "-3.1"


@given(hs.floats(-1e9, 1e9, allow_nan=False), hs.integers(0, 6))
def test_number_text_reads_back_within_half_a_unit_of_the_last_digit(x, digits):
    back = float(tables.number_text(x, digits).replace(",", ""))
    assert abs(back - x) <= 0.5 * 10.0**-digits * (1 + 1e-9) + 1e-9 * abs(x)


@given(hs.floats(-100.0, 100.0, allow_nan=False))
def test_percent_text_is_number_text_of_a_hundred_times(x):
    assert tables.percent_text(x, 2) == tables.number_text(100 * x, 2)


# --------------------------------------------------------------------------- date_text


def test_date_text_literals():
    assert tables.date_text(pd.Timestamp("2018-02-05")) == "5 February 2018"
    assert tables.date_text("2008-09-15") == "15 September 2008"
    assert tables.date_text(datetime.date(1990, 1, 2)) == "2 January 1990"
    assert tables.date_text(pd.Timestamp("2020-03-16 15:30")) == "16 March 2020"


# ---------------------------------------------------------------------- rounded, significant


def test_rounded_literals_and_type():
    assert tables.rounded(2.34567) == 2.35
    assert tables.rounded(2.34567, 1) == 2.3
    assert tables.rounded(0.8534, 1, scale=100) == 85.3
    assert tables.rounded(np.float64(7.0), 0) == 7.0
    assert type(tables.rounded(np.float64(2.5))) is float
    assert type(tables.rounded(3)) is float


def test_significant_literals_and_type():
    assert tables.significant(2 / 3) == 0.66666667
    assert tables.significant(123456789.0, 3) == 123000000.0
    assert tables.significant(-0.000123456789, 2) == -0.00012
    assert type(tables.significant(np.float64(1.5))) is float


@given(hs.floats(-1e12, 1e12, allow_nan=False), hs.integers(1, 15))
def test_significant_is_within_half_a_unit_of_its_last_digit_and_idempotent(x, digits):
    y = tables.significant(x, digits)
    if x != 0:
        unit = 10.0 ** (np.floor(np.log10(abs(x))) - digits + 1)
        assert abs(y - x) <= 0.5 * unit * (1 + 1e-9) + 1e-15 * abs(x)
    assert tables.significant(y, digits) == y


# ----------------------------------------------------------------------------- value_se


def test_value_se_scalars():
    assert tables.value_se(1234.5, 0.25) == "1,234.50 (0.25)"
    assert tables.value_se(2.9412, 0.2371, 1) == "2.9 (0.2)"
    assert tables.value_se(0.853, 0.012, 1, scale=100) == "85.3 (1.2)"
    assert tables.value_se(-1.5, 0.0) == "-1.50 (0.00)"


def test_value_se_sequences_give_a_list_of_strings():
    v = pd.Series([0.51, -0.25], index=["a", "b"])
    se = np.array([0.12, 0.3])
    assert tables.value_se(v, se) == ["0.51 (0.12)", "-0.25 (0.30)"]
    assert tables.value_se([0.853], [0.012], digits=1, scale=100) == ["85.3 (1.2)"]


# ----------------------------------------------------------------------------- se_table

SUMMARY = pd.DataFrame({"Avg VRP": [2.9412, 3.1], "SE avg VRP": [0.2371, 0.25],
                        "Hit rate": [0.853, 0.861], "SE hit rate": [0.012, 0.011],
                        "n": [8287, 8266]}, index=["21 days", "42 days"])


def test_se_table_literals():
    out = tables.se_table(SUMMARY, {"Avg VRP (vol pts)": ("Avg VRP", "SE avg VRP"),
                                    "Hit rate, % (SE)": ("Hit rate", "SE hit rate", 1, 100)},
                          counts={"Origin dates": "n"})
    assert list(out.columns) == ["Avg VRP (vol pts)", "Hit rate, % (SE)", "Origin dates"]
    assert list(out.index) == ["21 days", "42 days"]
    assert out.iloc[0].tolist() == ["2.94 (0.24)", "85.3 (1.2)", "8,287"]
    assert out.iloc[1].tolist() == ["3.10 (0.25)", "86.1 (1.1)", "8,266"]


def test_se_table_digits_default_and_float_counts():
    t = SUMMARY.assign(n=SUMMARY["n"].astype(float))
    out = tables.se_table(t, {"VRP": ("Avg VRP", "SE avg VRP", 3)}, counts={"Days": "n"})
    assert out["VRP"].tolist() == ["2.941 (0.237)", "3.100 (0.250)"]
    assert out["Days"].tolist() == ["8,287", "8,266"]


# ------------------------------------------------------------------------------- styled


def test_styled_html_has_the_uuid_right_alignment_and_formats():
    df = pd.DataFrame({"P&L (vol points)": [1234.5, np.nan], "Label": ["x", "y"]},
                      index=["a", "b"])
    html = tables.styled(df, "{:,.1f}", "t-1", caption="Cap").to_html()
    assert html == tables.styled(df, "{:,.1f}", "t-1", caption="Cap").to_html()
    assert 'id="T_t-1"' in html
    assert "text-align: right" in html
    assert "1,234.5" in html and ">-</td>" in html and "Cap</caption>" in html
    assert "white-space" not in html


def test_styled_options():
    df = pd.DataFrame({"x": [1.25]}, index=["a long row label"])
    html = tables.styled(df, {"x": "{:.1f}"}, "t2", nowrap_index=True).to_html()
    assert "#T_t2 th.row_heading {\n  white-space: nowrap;\n}" in html
    hidden = tables.styled(df, {}, "t3", hide_index=True).to_html()
    assert "a long row label" not in hidden


def test_styled_of_text_equals_a_plain_right_aligned_styler():
    """A table of strings with no format: the HTML the chapters' former ``show`` built."""
    df = pd.DataFrame({"Avg (SE)": ["2.94 (0.24)", "3.10 (0.25)"], "Days": ["8,287", "21"]},
                      index=pd.Index(["a", "b"], name="Window"))
    plain = (df.style.set_uuid("t4").set_properties(**{"text-align": "right"})
             .set_table_styles([{"selector": "th", "props": "text-align: right;"},
                                {"selector": "th.row_heading", "props": "white-space: nowrap;"}]))
    assert tables.styled(df, "{}", "t4", nowrap_index=True).to_html() == plain.to_html()


def test_regimes_styled_is_the_same_function():
    assert regimes.styled is tables.styled


# ------------------------------------------------------------------- bad input, one rule each


@pytest.mark.parametrize("fn", [tables.number_text, tables.percent_text, tables.rounded,
                                tables.significant])
@pytest.mark.parametrize("bad, exc, msg", [
    (float("nan"), ValueError, "x must be finite, got NaN"),
    (float("inf"), ValueError, "x must be finite, got an infinite value"),
    (None, TypeError, "x must be a number, got None"),
    (True, TypeError, "x must be a number, got the boolean True"),
    ("1.5", TypeError, "x must be a number, got the string '1.5'"),
    ([1.5], TypeError, "x must be a number, got list"),
])
def test_rule_numbers_are_finite_real_scalars(fn, bad, exc, msg):
    with pytest.raises(exc, match=msg.replace("(", r"\(")):
        fn(bad)


@pytest.mark.parametrize("fn", [tables.number_text, tables.percent_text, tables.rounded])
def test_rule_digits_is_a_non_negative_integer(fn):
    with pytest.raises(TypeError, match="digits must be an integer, got 1.5"):
        fn(1.5, 1.5)  # an integral float (1.0) passes as the integer since the shared checks accept it
    with pytest.raises(TypeError, match="digits must be an integer, got the boolean"):
        fn(1.5, True)
    with pytest.raises(ValueError, match="digits must be at least 0, got -1"):
        fn(1.5, -1)


def test_rule_significant_needs_one_digit():
    with pytest.raises(ValueError, match="digits must be at least 1, got 0"):
        tables.significant(1.5, 0)


def test_rule_scale_is_positive():
    with pytest.raises(ValueError, match="scale must be positive and finite, got 0"):
        tables.rounded(1.5, 1, scale=0)
    with pytest.raises(ValueError, match="scale must be positive and finite, got NaN"):
        tables.value_se(1.5, 0.1, scale=float("nan"))
    with pytest.raises(TypeError, match="scale must be a number, got the boolean True"):
        tables.value_se(1.5, 0.1, scale=True)


def test_rule_date_text_needs_a_date():
    with pytest.raises(TypeError, match="date must be a date .* got None"):
        tables.date_text(None)
    with pytest.raises(TypeError, match="date must be a date .* got int"):
        tables.date_text(20180205)
    with pytest.raises(ValueError, match="date must be a date, got NaT"):
        tables.date_text(pd.NaT)
    with pytest.raises(ValueError, match="date must be a date .* got 'not-a-date'"):
        tables.date_text("not-a-date")
    with pytest.raises(ValueError, match="date: tz-aware date"):
        tables.date_text(pd.Timestamp("2018-02-05", tz="UTC"))


def test_rule_value_se_values():
    with pytest.raises(ValueError, match="value must be finite, got NaN"):
        tables.value_se(float("nan"), 0.1)
    with pytest.raises(ValueError, match="se must be non-negative and finite, got -0.1"):
        tables.value_se(1.0, -0.1)
    with pytest.raises(ValueError, match="se must be non-negative and finite, got inf"):
        tables.value_se(1.0, float("inf"))
    with pytest.raises(TypeError, match="se must be a number, got None"):
        tables.value_se(1.0, None)
    with pytest.raises(ValueError, match=r"value: contains NaN \(at position 1\)"):
        tables.value_se([1.0, np.nan], [0.1, 0.1])
    with pytest.raises(ValueError, match=r"se: contains a negative value \(-0.1\)"):
        tables.value_se([1.0, 2.0], [0.1, -0.1])
    with pytest.raises(TypeError, match="value: booleans are not numbers"):
        tables.value_se([True, False], [0.1, 0.1])
    with pytest.raises(ValueError, match="value: is empty"):
        tables.value_se([], [])


def test_rule_value_se_shapes():
    with pytest.raises(ValueError, match="value and se: lengths differ"):
        tables.value_se([1.0, 2.0], [0.1])
    with pytest.raises(ValueError, match="value and se: pass two scalars or two sequences"):
        tables.value_se([1.0, 2.0], 0.1)
    with pytest.raises(ValueError, match="value: expected 1-D values, got 2-D"):
        tables.value_se([[1.0]], [[0.1]])


def test_rule_se_table_arguments():
    pair = {"VRP": ("Avg VRP", "SE avg VRP")}
    with pytest.raises(TypeError, match="table: expected a pandas DataFrame, got None"):
        tables.se_table(None, pair)
    with pytest.raises(ValueError, match="table: is empty"):
        tables.se_table(SUMMARY.iloc[:0], pair)
    with pytest.raises(TypeError, match="columns: expected a dict"):
        tables.se_table(SUMMARY, [("Avg VRP", "SE avg VRP")])
    with pytest.raises(ValueError, match="columns: is empty"):
        tables.se_table(SUMMARY, {})
    with pytest.raises(ValueError, match=r"columns\['VRP'\]: table has no column 'Avg IV'"):
        tables.se_table(SUMMARY, {"VRP": ("Avg IV", "SE avg VRP")})
    with pytest.raises(ValueError, match=r"columns\['VRP'\]: expected a tuple"):
        tables.se_table(SUMMARY, {"VRP": "Avg VRP"})
    with pytest.raises(ValueError, match=r"table\['Avg VRP'\]: contains NaN"):
        tables.se_table(SUMMARY.assign(**{"Avg VRP": [np.nan, 1.0]}), pair)
    with pytest.raises(TypeError, match="counts: expected a dict"):
        tables.se_table(SUMMARY, pair, counts="n")
    with pytest.raises(ValueError, match="counts: is empty"):
        tables.se_table(SUMMARY, pair, counts={})
    with pytest.raises(ValueError, match=r"counts\['Days'\]: table has no column 'N'"):
        tables.se_table(SUMMARY, pair, counts={"Days": "N"})
    with pytest.raises(ValueError, match=r"table\['n'\]: counts must be whole numbers, got 1.5"):
        tables.se_table(SUMMARY.assign(n=[1.5, 2.0]), pair, counts={"Days": "n"})


def test_rule_styled_arguments():
    df = pd.DataFrame({"Mean (vol points)": [1.5, -2.25]}, index=["a", "b"])
    with pytest.raises(TypeError, match="df: expected a DataFrame, got list"):
        tables.styled([1.5], "{:.2f}", "t")
    with pytest.raises(ValueError, match="df: is empty"):
        tables.styled(df.iloc[:0], "{:.2f}", "t")
    with pytest.raises(TypeError, match="formats: expected a format string or a dict"):
        tables.styled(df, None, "t")
    with pytest.raises(ValueError, match="formats: df has no column 'Mean'"):
        tables.styled(df, {"Mean": "{:.2f}"}, "t")
    with pytest.raises(TypeError, match=r"formats\['Mean \(vol points\)'\]: expected a format"):
        tables.styled(df, {"Mean (vol points)": 2}, "t")
    with pytest.raises(ValueError, match="uuid: pass a non-empty string"):
        tables.styled(df, "{:.2f}", "")
    with pytest.raises(TypeError, match="uuid: expected a string, got None"):
        tables.styled(df, "{:.2f}", None)
    with pytest.raises(ValueError, match="uuid: use letters, digits"):
        tables.styled(df, "{:.2f}", "two words")
    with pytest.raises(TypeError, match="hide_index must be True or False"):
        tables.styled(df, "{:.2f}", "t", hide_index="False")
    with pytest.raises(TypeError, match="nowrap_index must be True or False"):
        tables.styled(df, "{:.2f}", "t", nowrap_index=1)
    with pytest.raises(TypeError, match="na_rep must be a string"):
        tables.styled(df, "{:.2f}", "t", na_rep=None)
    with pytest.raises(TypeError, match="caption must be a string"):
        tables.styled(df, "{:.2f}", "t", caption=1.5)


def test_rule_styled_format_strings_have_one_field():
    df = pd.DataFrame({"Mean (vol points)": [1.5, -2.25]}, index=["a", "b"])
    with pytest.raises(ValueError, match="formats: a format string needs exactly one field"):
        tables.styled(df, "no-such-option", "t")
    with pytest.raises(ValueError, match="formats: a format string needs exactly one field"):
        tables.styled(df, "{:.1f} ({:.1f})", "t")
    with pytest.raises(ValueError, match=r"formats\['Mean \(vol points\)'\]: a format string needs"):
        tables.styled(df, {"Mean (vol points)": "{x:.1f}"}, "t")
    with pytest.raises(ValueError, match="formats: '{:.1f' is not a format string"):
        tables.styled(df, "{:.1f", "t")
    assert "1.5 %" in tables.styled(df, "{:.1f} %", "t").to_html()


# ------------------------------------------------------------- no silent results (bounds)

def test_rule_digits_at_most_17():
    """digits=10**7 built a string of ten million characters: at most 17 (a double's digits)."""
    assert tables.number_text(0.1, 17) == "0.10000000000000001"
    assert tables.significant(2 / 3, 17) == 2 / 3
    assert tables.number_text(12.5, 1.0) == "12.5"  # an integral float is the integer
    for call in (lambda d: tables.number_text(1.5, d), lambda d: tables.percent_text(0.5, d),
                 lambda d: tables.rounded(1.5, d), lambda d: tables.significant(1.5, d),
                 lambda d: tables.value_se(1.5, 0.1, d)):
        with pytest.raises(ValueError, match=r"digits must be at most 17 .*, got 18"):
            call(18)
        with pytest.raises(ValueError, match="digits must be at most 17"):
            call(10**7)
    t = pd.DataFrame({"v": [1.0], "se": [0.1]})
    with pytest.raises(ValueError, match="digits must be at most 17"):
        tables.se_table(t, {"V": ("v", "se", 40)})


def test_se_text_is_value_and_block_bootstrap_se():
    from vrp_lib import bootstrap

    rng = np.random.default_rng(11)
    x = pd.Series(rng.standard_t(4, 2000) + 0.5, index=pd.bdate_range("2001-01-02", periods=2000))
    se = bootstrap.block_bootstrap_se(x, "mean", block=252)
    assert tables.se_text(x, "mean", 2) == f"{x.mean():.2f} ({se:.2f})"
    se_hit = bootstrap.block_bootstrap_se(x, "hit_rate", block=252)
    assert tables.se_text(x, "hit_rate", 1, 100) == f"{100 * (x > 0).mean():.1f} ({100 * se_hit:.1f})"
    # under 4.5 blocks: no standard error (1,133 < 4.5 * 252 = 1,134)
    assert tables.se_text(x.iloc[:1133], "mean", 2) == f"{x.iloc[:1133].mean():.2f} (n/a)"
    assert tables.se_text(x.iloc[:1134], "mean", 2).endswith(")") and "n/a" not in tables.se_text(
        x.iloc[:1134], "mean", 2)
    assert "n/a" not in tables.se_text(x.iloc[:100], "mean", 2, block=21)    # 4.8 blocks of 21
    with pytest.raises(ValueError, match="block"):
        tables.se_text(x.iloc[:100], "mean", 2)                               # shorter than a block
    with pytest.raises(ValueError, match="statistic"):
        tables.se_text(x, "median")
    with pytest.raises(ValueError, match="x"):
        tables.se_text(x.where(x > 0), "mean")
    with pytest.raises(ValueError, match="scale"):
        tables.se_text(x, "mean", scale=0)


def test_summary_se_text_and_text_table():
    t = pd.DataFrame({"Avg implied vol": [19.66], "SE avg implied": [1.06], "Avg realized vol": [15.54],
                      "SE avg realized": [1.13], "Avg VRP (vol pts)": [4.113], "SE avg VRP": [0.357],
                      "Hit rate (VRP > 0)": [0.8541], "SE hit rate": [0.0187], "n": [8287]},
                     index=pd.Index(["30-day"], name="Window"))
    out = tables.summary_se_text(t)
    assert out.iloc[0].tolist() == ["19.66 (1.06)", "15.54 (1.13)", "4.11 (0.36)", "85.4 (1.9)", "8,287"]
    assert list(out.columns)[-1] == "Origin dates"
    html = tables.text_table(out, "t-1", "A caption").to_html()
    assert 'id="T_t-1"' in html and "A caption" in html and "white-space: nowrap" in html
    with pytest.raises(ValueError, match="no column"):
        tables.summary_se_text(t.drop(columns="SE avg VRP"))


@pytest.mark.parametrize("display", [False, True])
@pytest.mark.parametrize("value", [4.11, 8287, "2 January 1990", np.float64(0.8536),
                                   pd.DataFrame({"a": [1.5, 2.0]})])
def test_glue_writes_what_myst_nb_glue_writes(monkeypatch, value, display):
    """tables.glue is myst-nb's glue without its nbformat import: the same display call, so the
    stored output (checked by nbval, read by the book build) is identical."""
    import IPython.display
    from myst_nb.ext import glue as myst_glue

    calls = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setattr(myst_glue, "ipy_display", lambda *a, **k: calls.append((a, k)))
    tables.glue("key", value, display=display)
    myst_glue.glue("key", value, display)
    assert len(calls) == 2 and calls[0] == calls[1]
    assert tables.GLUE_PREFIX == myst_glue.GLUE_PREFIX


def test_glue_checks_its_arguments():
    with pytest.raises(TypeError, match="name must be a string"):
        tables.glue(None, 1.0)
    with pytest.raises(ValueError, match="name must not be empty"):
        tables.glue(" ", 1.0)
    with pytest.raises(TypeError, match="display must be True or False"):
        tables.glue("k", 1.0, display=0)


def test_glue_in_a_kernel_keeps_the_output_order():
    """In a real kernel glue publishes without flushing idle streams (about 1 ms a value) and
    still flushes text waiting to be sent first: printed lines and glued values come out in
    the order the cell made them, as with IPython's display."""
    import nbformat
    from nbclient import NotebookClient

    src = ("from vrp_lib.tables import glue\n"
           "for i in range(30):\n"
           "    glue(f'idle{i}', i, display=False)\n"
           "for i in range(30):\n"
           "    print(i)\n"
           "    glue(f'after{i}', i + 0.5, display=i % 2 == 0)\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src)])
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    seen = [("stream", line) if o.output_type == "stream" else ("glue", o.metadata["scrapbook"]["name"])
            for o in nb.cells[0].outputs
            for line in (o.text.splitlines() if o.output_type == "stream" else [None])]
    expected = ([("glue", f"idle{i}") for i in range(30)]
                + [x for i in range(30) for x in (("stream", str(i)), ("glue", f"after{i}"))])
    assert seen == expected
    shown = [o for o in nb.cells[0].outputs if o.output_type == "display_data"
             and "text/plain" in o.data]
    assert [o.data["text/plain"] for o in shown] == [str(i + 0.5) for i in range(0, 30, 2)]


def test_band_text_is_the_median_band_and_total_error():
    # median 0.51 of four choices, band 0.46 to 0.55, total error sqrt(0.3^2 + 0.045^2)
    assert tables.band_text([0.46, 0.52, 0.55, 0.50], 0.3) == "0.51 [0.46, 0.55] (0.30)"
    assert tables.band_text([1.0, 2.0], 0.0, digits=3) == "1.500 [1.000, 2.000] (0.500)"
    assert tables.band_text([-0.001, 0.002], 0.001) == "0.00 [0.00, 0.00] (0.00)"   # no -0.00
    with pytest.raises(ValueError, match="at least 2 choices"):
        tables.band_text([0.5], 0.1)
    with pytest.raises(ValueError, match="se must be non-negative"):
        tables.band_text([0.5, 0.6], -0.1)
