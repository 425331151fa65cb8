"""vrp_lib.exercises and vrp_lib/answers.json: the self-checking exercises.

- every recorded answer passes its own check ("right"); a value moved beyond the tolerance
  but inside the close band is "close", beyond the band "wrong"; a percentage for a fraction
  is "close" with a units note; ``...`` is "unanswered"; nothing wrong raises;
- unknown ids, answers of the wrong type or shape raise ValueError/TypeError naming them;
- every exercise of the chapters (their ``{exercise}`` directives, numbered as the book
  numbers them) has an entry with its label and title, and every entry an exercise;
  pending entries (chapters being revised) are marked and say so;
- :func:`verify` asserts within the tolerance, and records instead with ``VRP_RECORD_ANSWERS``;
- every number an exercise expects has a ``verify`` call in its chapter's hidden cells.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from vrp_lib import exercises

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))
import make_answers  # noqa: E402

sys.path.pop(0)

ANSWERS = json.loads(exercises.ANSWERS_FILE.read_text(encoding="utf-8"))["exercises"]
IDS = exercises.exercise_ids()
NUMERIC = [i for i in IDS if ANSWERS[i]["kind"] in ("number", "numbers")]


def _targets(ex_id):
    value = exercises.expected(ex_id)
    return value if isinstance(value, dict) else {None: value}


def _answer(ex_id, targets):
    return targets[None] if None in targets else targets


def _bands(ex_id, target):
    entry = ANSWERS[ex_id]
    tol = entry["tolerance"]
    a = tol["abs"] if "abs" in tol else tol["rel"] * abs(target)
    close = entry.get("close")
    c = (close["abs"] if "abs" in close else close["rel"] * abs(target)) if close \
        else exercises.CLOSE_FACTOR * a
    return a, c


def test_answers_file_is_complete():
    assert IDS == sorted(ANSWERS, key=lambda k: tuple(map(int, k.split("."))))
    for ex_id, entry in ANSWERS.items():
        assert entry["kind"] in exercises.KINDS, ex_id
        assert entry["label"] and entry["title"] and entry["chapter"], ex_id
        assert entry["skeleton"] and any(line.startswith("answer = ") for line in entry["skeleton"]), ex_id
        if entry["kind"] in ("number", "numbers"):
            assert entry["hint"] and entry["key_points"], ex_id
            assert ("abs" in entry["tolerance"]) != ("rel" in entry["tolerance"]), ex_id
            assert entry["tolerance"].get("why"), f"{ex_id}: state why the tolerance is what it is"
            value = entry["expected"]
            assert isinstance(value, dict) == (entry["kind"] == "numbers"), ex_id
            values = value.values() if isinstance(value, dict) else [value]
            assert all(np.isfinite(v) for v in values), ex_id
        elif entry["kind"] == "discussion":
            assert entry["key_points"] and "expected" not in entry, ex_id
        else:
            assert entry.get("expected") is None, f"{ex_id}: pending means no answer yet"
            if "to_verify" in entry:  # the solution's value, for make_answers.py --insert
                ast.parse(entry["to_verify"], mode="eval")


def test_every_exercise_of_the_chapters_has_an_entry():
    found = make_answers.chapter_exercises(CHAPTERS)
    assert set(found) == set(ANSWERS), "run python tools/make_answers.py --sync"
    for ex_id, info in found.items():
        assert ANSWERS[ex_id]["label"] == info["label"], ex_id
        assert ANSWERS[ex_id]["title"] == info["title"], ex_id
        assert ANSWERS[ex_id]["chapter"] == info["chapter"], ex_id
    # the book's numbering: chapter N's M-th exercise (chapter 1's first is the ledger's)
    assert found["1.1"]["label"] == "ex-def-ledger" and found["3.4"]["label"] == "ex-swap-4"


def _verify_calls(path: Path) -> dict[str, str]:
    """``id -> expression`` of the ``exercises.verify`` calls in a chapter's hidden cells."""
    calls = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or "exercises.verify(" not in cell.source:
            continue
        assert "remove-cell" in cell.metadata.get("tags", []), f"{path.name}: a visible verify cell"
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "verify":
                calls[node.args[0].value] = ast.get_source_segment(cell.source, node.args[1])
    return calls


def test_every_recorded_number_is_verified_by_its_chapter():
    calls = {}
    for path in CHAPTERS:
        calls.update(_verify_calls(path))
    assert set(NUMERIC) <= set(calls), "an expected number without a verify call"
    assert set(calls) <= set(NUMERIC), "a verify call without a recorded number"


@pytest.mark.parametrize("ex_id", NUMERIC)
def test_recorded_answer_is_right_and_perturbed_is_not(ex_id, capsys):
    targets = _targets(ex_id)
    verdict, message = exercises.grade(ex_id, _answer(ex_id, targets))
    assert verdict == "right", message
    exercises.check(ex_id, _answer(ex_id, targets))
    assert "right" in capsys.readouterr().out
    exercises.verify(ex_id, _answer(ex_id, targets))  # no AssertionError
    for key, target in targets.items():
        tol, close = _bands(ex_id, target)
        step = max(abs(target), 1.0)
        for factor, want in ((0.5, "right"), (3.0, "close"), (30.0, "wrong")):
            if tol == 0 and want != "wrong":
                continue
            delta = factor * tol if tol else factor
            if want == "wrong":
                delta = max(2 * close, 0.5 * step, 1.0)
            if want == "close" and not tol < delta <= close:
                continue
            moved = dict(targets)
            moved[key] = target + delta
            verdict, message = exercises.grade(ex_id, _answer(ex_id, moved))
            assert verdict == want, (key, factor, message)
            if want != "right":
                assert "Hint:" in message
                with pytest.raises(AssertionError, match="answers.json"):
                    exercises.verify(ex_id, _answer(ex_id, moved))


def test_units_slip_is_close_with_a_note():
    targets = _targets("1.2")
    verdict, message = exercises.grade("1.2", {**targets, "hit_rate": 100 * targets["hit_rate"]})
    assert verdict == "close" and "percentage" in message


def test_unanswered_and_pending_and_discussion(capsys):
    assert exercises.grade("1.2", ...)[0] == "unanswered"
    assert exercises.grade("1.2", {"avg_vrp": 3.8, "hit_rate": ...})[0] == "unanswered"
    discussion = [i for i in IDS if ANSWERS[i]["kind"] == "discussion"]
    for ex_id in discussion:
        verdict, message = exercises.grade(ex_id, "The strip is skewed.")
        assert verdict == "discussion"
        assert all(p in message for p in ANSWERS[ex_id]["key_points"])
        assert exercises.grade(ex_id, ...)[0] == "unanswered"
        assert exercises.grade(ex_id, "  ")[0] == "unanswered"
    for ex_id in [i for i in IDS if ANSWERS[i]["kind"] == "pending"]:
        verdict, message = exercises.grade(ex_id, 1.0)
        assert verdict == "pending" and "no answer recorded" in message
        assert exercises.expected(ex_id) is None
        with pytest.raises(AssertionError, match="make_answers"):
            exercises.verify(ex_id, 1.0)


def test_a_series_or_numpy_numbers_are_accepted():
    targets = _targets("1.2")
    assert exercises.grade("1.2", pd.Series(targets))[0] == "right"
    assert exercises.grade("1.2", {k: np.float64(v) for k, v in targets.items()})[0] == "right"
    assert exercises.grade("1.5", np.int64(2017))[0] == "right"


@pytest.mark.parametrize("bad, error, words", [
    ("9.9", ValueError, "not a known exercise"),
    ("4", ValueError, "chapter.exercise"),
    ("", ValueError, "exercise_id"),
    (4.1, TypeError, "exercise_id"),
    (None, TypeError, "exercise_id"),
])
def test_unknown_or_malformed_ids_raise(bad, error, words):
    with pytest.raises(error, match=words):
        exercises.check(bad, 1.0)
    with pytest.raises(error, match=words):
        exercises.verify(bad, 1.0)


@pytest.mark.parametrize("answer, error, words", [
    ("3.82", TypeError, "answer"),
    (True, TypeError, "answer"),
    (None, TypeError, "answer"),
    (float("nan"), ValueError, "answer"),
    (float("inf"), ValueError, "answer"),
    ([3.82, 0.84], TypeError, "dict"),
    ({"avg_vrp": 3.82}, ValueError, "missing"),
    ({"avg_vrp": 3.82, "hit_rate": 0.84, "x": 1}, ValueError, "unexpected"),
    ({"avg_vrp": "3.82", "hit_rate": 0.84}, TypeError, "avg_vrp"),
])
def test_wrong_type_or_shape_raises(answer, error, words):
    with pytest.raises(error, match=words):
        exercises.check("1.2", answer)


def test_one_number_answers_refuse_collections():
    with pytest.raises(TypeError, match="one number"):
        exercises.grade("1.5", [2017])
    with pytest.raises(TypeError, match="one number"):
        exercises.grade("1.5", np.array([2017, 2003]))
    with pytest.raises(TypeError, match="string"):
        exercises.grade("3.4", 3.0)


def test_record_mode_appends_instead_of_asserting(tmp_path, monkeypatch):
    log = tmp_path / "answers.jsonl"
    monkeypatch.setenv(exercises.RECORD_ENV, str(log))
    exercises.verify("1.2", {"avg_vrp": np.float64(1.0), "hit_rate": 0.5})   # far off: recorded
    exercises.verify("77.1", 3)                                               # a new exercise
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert lines == [{"id": "1.2", "value": {"avg_vrp": 1.0, "hit_rate": 0.5}},
                     {"id": "77.1", "value": 3.0}]
    with pytest.raises(ValueError, match="value"):
        exercises.verify("1.2", float("nan"))


def test_insert_adds_the_pending_verify_cells_once(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("```{exercise} A\n:label: ex-a\nDo.\n```\n\n"
                                      "```{solution-start} ex-a\n```"),
        nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("y = 2"),
        nbformat.v4.new_markdown_cell("Because.\n```{solution-end}\n```")])
    path = tmp_path / "08_small.ipynb"
    nbformat.write(nb, path)
    answers = {"8.1": {"kind": "pending", "to_verify": '{"x": x, "y": y}'}}
    assert make_answers.insert_verify_cells(path, answers) == ["8.1"]
    assert make_answers.insert_verify_cells(path, answers) == []          # already there
    cells = nbformat.read(path, as_version=4).cells
    assert cells[3].source.endswith("exercises.verify('8.1', {\"x\": x, \"y\": y})")
    assert cells[3].metadata["tags"] == ["remove-cell"] and cells[4].source.startswith("Because")


def test_update_keeps_hand_written_parts_and_marks_new_exercises_pending():
    answers = {"1.1": {"kind": "numbers", "label": "a", "title": "A", "chapter": "01_x.ipynb",
                       "expected": {"x": 1.0}, "tolerance": {"abs": 0.1}, "hint": "h",
                       "key_points": ["k"], "skeleton": ["answer = ..."]},
               "1.9": {"kind": "pending", "label": "gone", "title": "G", "chapter": "01_x.ipynb"}}
    found = {"1.1": {"label": "a", "title": "A", "chapter": "01_x.ipynb"},
             "1.2": {"label": "b", "title": "B", "chapter": "01_x.ipynb"}}
    changes = make_answers.update(answers, found, {"1.1": {"x": 2.0}}, {"01_x.ipynb"})
    assert set(answers) == {"1.1", "1.2"}
    assert answers["1.1"]["expected"] == {"x": 2.0} and answers["1.1"]["hint"] == "h"
    assert answers["1.2"]["kind"] == "pending" and answers["1.2"]["label"] == "b"
    assert any("1.1: expected" in c for c in changes) and any("1.9: removed" in c for c in changes)
    # a value recorded for a pending exercise makes it a number, with a tolerance to review
    make_answers.update(answers, found, {"1.2": 5.0}, {"01_x.ipynb"})
    assert answers["1.2"]["kind"] == "number" and answers["1.2"]["tolerance"]["rel"] == 0.001


def test_trainers_guide_gives_every_exercise_its_minutes():
    """Each session's exercise table in trainers_guide.md names every exercise of its chapter
    with its minutes, in the form tools/make_slides.py reads ("Exercise 4.1 | 10 minutes")."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_slides
    finally:
        sys.path.pop(0)
    minutes = {}
    for session in make_slides.guide_sessions(ROOT / "trainers_guide.md").values():
        minutes.update({f"{a}.{b}": m for (a, b), m in session["per_exercise"].items()})
    assert set(minutes) == set(IDS)
    assert all(5 <= m <= 30 for m in minutes.values())
    guide = (ROOT / "trainers_guide.md").read_text(encoding="utf-8")
    for ex_id in IDS:
        assert f"| Exercise {ex_id} | {minutes[ex_id]} minutes | {ANSWERS[ex_id]['title']} |" in guide


def test_on_refreshed_data_verify_stands_down_and_check_says_why(monkeypatch, capsys):
    """The recorded answers are the embedded data's: with VRP_DATA=latest a chapter's hidden
    verify cell must not stop it, but NaN and wrong types are still refused."""
    ex_id = NUMERIC[0]
    targets = _targets(ex_id)
    moved = {k: v + max(abs(v), 1.0) * 10 for k, v in targets.items()}
    monkeypatch.setenv("VRP_DATA", "latest")
    exercises.verify(ex_id, _answer(ex_id, moved))           # far off, but no AssertionError
    with pytest.raises(ValueError, match="value"):
        exercises.verify(ex_id, float("nan"))
    exercises.check(ex_id, _answer(ex_id, targets))
    out = capsys.readouterr().out
    assert "embedded data" in out and "right" in out
