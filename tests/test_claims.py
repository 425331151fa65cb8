"""Tests of vrp_lib.claims: strict on the embedded data, recorded on refreshed data, the page."""

import json

import numpy as np
import pandas as pd
import pytest

from vrp_lib import claims


def test_strict_mode_raises_with_the_sentence_and_numbers():
    c = claims.Claims("01_definitions", "1990-01-02", "2022-12-28", mode="strict")
    assert c.check("positive", "The average premium is positive.", True, mean=4.11) is True
    with pytest.raises(AssertionError, match=r"'hit-rate' of 01_definitions does not hold: The hit rate "
                                             r"exceeds 80%\. \(hit_rate = 0\.75\)"):
        c.check("hit-rate", "The hit rate exceeds 80%.", np.bool_(False), hit_rate=0.75)
    assert c.save() is None                      # strict mode writes nothing unless asked


def test_strict_mode_saves_where_asked_so_the_embedded_book_lists_its_claims(tmp_path, monkeypatch):
    monkeypatch.delenv("VRP_CLAIMS_DIR", raising=False)
    c = claims.Claims("01_definitions", "1990-01-02", "2022-12-28", mode="strict")
    c.check("positive", "The average premium is positive.", True, mean=4.11)
    assert c.save(tmp_path / "a") == tmp_path / "a" / "01_definitions.json"
    monkeypatch.setenv("VRP_CLAIMS_DIR", str(tmp_path / "b"))
    assert c.save() == tmp_path / "b" / "01_definitions.json"
    text = claims.page(tmp_path / "b")
    assert "(embedded data): 1 of 1 claims" in text and "## Chapter 1 (01_definitions), data 1990-01-02" in text
    bare = claims.page(tmp_path / "b", heading=False)
    assert "#" not in bare and bare.startswith("**Claims on data to 2022-12-28** (embedded data)")
    assert "**Chapter 1 (01_definitions), data 1990-01-02 to 2022-12-28**" in bare
    with pytest.raises(TypeError, match="heading"):
        claims.page(tmp_path / "b", heading=1)


def test_record_mode_keeps_failures_and_saves_them(tmp_path, monkeypatch):
    monkeypatch.setenv("VRP_DATA", "latest")
    c = claims.Claims("04_regimes", pd.Timestamp("1990-01-02"), "2026-11-30", mode="record")
    assert c.check("a", "A holds.", True, x=1.5, n=3) is True
    assert c.check("b", "B holds.", False, x=float("nan")) is False
    path = c.save(tmp_path)
    body = json.loads(path.read_text())
    assert path.name == "04_regimes.json" and body["last"] == "2026-11-30"
    assert [x["holds"] for x in body["claims"]] == [True, False]
    assert body["claims"][0]["numbers"] == {"x": 1.5, "n": 3} and body["claims"][1]["numbers"]["x"] == "nan"
    df = claims.collect(tmp_path)
    assert list(df["name"]) == ["a", "b"] and df["holds"].tolist() == [True, False]
    text = claims.page(tmp_path)
    assert text.startswith("# Claims on data to 2026-11-30")
    assert "(refreshed data): 1 of 2 claims" in text and "| B holds. | **no longer holds** | x = nan |" in text


def test_mode_follows_vrp_data(monkeypatch):
    monkeypatch.setenv("VRP_DATA", "latest")
    assert claims.Claims("x", "2000-01-03", "2000-01-04").mode == "record"
    monkeypatch.delenv("VRP_DATA")
    assert claims.Claims("x", "2000-01-03", "2000-01-04").mode == "strict"


def test_folder_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VRP_CLAIMS_DIR", str(tmp_path / "c"))
    c = claims.Claims("05_asset_classes", "2000-01-03", "2000-01-04", mode="record")
    c.check("z", "Z.", True)
    assert c.save() == tmp_path / "c" / "05_asset_classes.json"
    assert len(claims.collect()) == 1


def test_empty_and_broken_records(tmp_path, monkeypatch):
    monkeypatch.setenv("VRP_CLAIMS_DIR", str(tmp_path / "none"))
    assert claims.collect().empty                      # the default folder may not exist yet
    assert "No claims were recorded" in claims.page()
    with pytest.raises(ValueError, match="folder: .* is not a folder of recorded claims"):
        claims.collect(tmp_path / "none")
    with pytest.raises(TypeError, match="folder must be a folder path"):
        claims.page(3.0)
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ValueError, match="not a claims record"):
        claims.collect(tmp_path)


@pytest.mark.parametrize("call, exc, match", [
    (lambda c: c.check("a", "A.", 1), TypeError, "condition must be True or False"),
    (lambda c: c.check("a", "A.", None), TypeError, "condition must be True or False"),
    (lambda c: c.check("", "A.", True), ValueError, "name must be a non-empty string"),
    (lambda c: c.check("a", "", True), ValueError, "sentence must be a non-empty string"),
    (lambda c: c.check("a", "A.", True, x=True), TypeError, "numbers: x must be a number"),
    (lambda c: c.check("a", "A.", True, x=None), TypeError, "numbers: x must be a number"),
    (lambda c: (c.check("a", "A.", True), c.check("a", "A.", True)), ValueError, "name: the claim 'a'"),
])
def test_check_validation(call, exc, match):
    with pytest.raises(exc, match=match):
        call(claims.Claims("x", "2000-01-03", "2000-01-04", mode="record"))


@pytest.mark.parametrize("args, kw, exc, match", [
    (("", "2000-01-03", "2000-01-04"), {}, ValueError, "chapter must be a non-empty string"),
    (("x", None, "2000-01-04"), {}, TypeError, "first must be a date"),
    (("x", "2000-01-05", "2000-01-04"), {}, ValueError, "last .* is before first"),
    (("x", "2000-01-03", pd.Timestamp("2000-01-04", tz="UTC")), {}, ValueError, "last: tz-aware"),
    (("x", "2000-01-03", "2000-01-04"), {"mode": "loose"}, ValueError, "mode must be one of"),
])
def test_claims_validation(args, kw, exc, match):
    with pytest.raises(exc, match=match):
        claims.Claims(*args, **kw)


def test_claim_record_validates_when_built():
    with pytest.raises(TypeError, match="holds must be True or False"):
        claims.Claim("x", "a", "A.", "yes")
    with pytest.raises(TypeError, match="numbers must be a dict"):
        claims.Claim("x", "a", "A.", True, [1])


def test_module_all_lists_public_names():
    public = {n for n in dir(claims) if not n.startswith("_") and callable(getattr(claims, n))
              and getattr(getattr(claims, n), "__module__", "") == claims.__name__}
    assert public <= set(claims.__all__)


def test_sample_checks_the_embedded_sample_only_in_strict_mode():
    strict = claims.Claims("01_definitions", "1990-01-02", "2022-12-28", mode="strict")
    assert strict.sample("8,287 origin dates", True, rows=8287)
    with pytest.raises(AssertionError, match="8,287 origin dates.*rows = 8288.*make data"):
        strict.sample("8,287 origin dates", False, rows=8288)
    record = claims.Claims("01_definitions", "1990-01-02", "2024-08-30", mode="record")
    assert record.sample("8,287 origin dates", False, rows=8310)
    assert record.claims == []                   # a sample fact is not a claim: nothing recorded
    with pytest.raises(TypeError, match="condition"):
        strict.sample("rows", 1)
    with pytest.raises(ValueError, match="name"):
        strict.sample(" ", True)


def test_span_and_strict_in_words():
    c = claims.Claims("01_definitions", "1990-01-02", "2022-12-28", mode="strict")
    assert c.span == "2 January 1990 to 28 December 2022"
    assert c.strict and not claims.Claims("x", "2000-01-03", "2000-01-04", mode="record").strict
