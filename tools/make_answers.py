"""Record the exercises' expected answers in ``vrp_lib/answers.json`` from the chapters.

Usage::

    python tools/make_answers.py [chapters/0N_*.ipynb ...]   # run the chapters, record
    python tools/make_answers.py --sync                      # entries only, run nothing
    python tools/make_answers.py --insert chapters/04_*.ipynb  # add pending verify cells

Each chapter's hidden check cells call ``exercises.verify("N.M", value)`` with the value the
exercise's solution computed. This tool executes the chapters (into a temporary folder: the
chapters themselves are not touched) with ``VRP_RECORD_ANSWERS`` set, so that ``verify``
appends each value to a file instead of asserting, and writes the values into the answers
file as ``expected``. It prints every value that changed. Nothing in the file is typed by hand
except what a person must write: the hint, the key points, the skeleton of the answer cell
and the tolerance (kept as they are).

It also keeps the file in step with the chapters (``--sync`` does only this): an exercise of
a chapter without an entry gets one, ``kind: "pending"`` (no answer yet: ``check`` says so),
labels and titles follow the chapters, entries of exercises that no longer exist go. An
exercise whose chapter was run but that recorded nothing keeps its kind; a number recorded
for a pending entry makes it ``number`` (or ``numbers`` for a dict) with a default relative
tolerance of 0.1% to review.

A pending exercise may carry ``to_verify``, the expression of its solution's value (for
example ``{"hit_rate": ex1_hit, "sharpe": ex1_sharpe}``): ``--insert`` adds the hidden cell
``exercises.verify("4.1", <expression>)`` after the solution's code in the chapter; re-execute
the chapter, then record it, which makes the entry a number with the tolerance it states.

The chapters are run with ``PYTHONHASHSEED=0`` and ``VRP_DATA=embedded``, as the book's build.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = ROOT / "vrp_lib" / "answers.json"
sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_student  # noqa: E402

sys.path.pop(0)

RECORD_ENV = "VRP_RECORD_ANSWERS"  # vrp_lib.exercises.RECORD_ENV
DEFAULT_TOLERANCE = {"rel": 0.001, "why": "default of tools/make_answers.py: review"}
ABOUT = ("Expected answers of the exercises (vrp_lib.exercises.check). 'expected' is recorded from the "
         "chapters' hidden exercises.verify calls by tools/make_answers.py, never typed by hand; "
         "tolerance: 'abs' or 'rel' (of the expected value); close: default ten times the tolerance.")


def chapter_exercises(paths) -> dict[str, dict]:
    """``id -> {"label", "title", "chapter"}`` of every exercise of the chapters, numbered as
    the book numbers them ("N.M")."""
    found = {}
    for path in sorted(Path(p) for p in paths):
        number = make_student.chapter_number(path)
        nb = nbformat.read(path, as_version=4)
        for k, (label, title) in enumerate(make_student.exercise_list(nb), start=1):
            found[f"{number}.{k}"] = {"label": label, "title": title, "chapter": path.name}
    return found


def record(paths, timeout: int = 600) -> dict[str, object]:
    """Run each chapter with recording on; ``id -> value`` of every ``verify`` call."""
    values: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="vrp-answers-") as tmp:
        log = Path(tmp) / "answers.jsonl"
        env = {**os.environ, RECORD_ENV: str(log), "PYTHONHASHSEED": "0", "VRP_DATA": "embedded"}
        for path in paths:
            path = Path(path).resolve()
            print(f"running {path.name} ...", flush=True)
            subprocess.run([sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute",
                            f"--ExecutePreprocessor.timeout={timeout}", "--output-dir", tmp,
                            str(path)], cwd=path.parent, env=env, check=True,
                           capture_output=True, text=True)
        if log.is_file():
            for line in log.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                values[item["id"]] = item["value"]
    return values


def _kind(value) -> str:
    return "numbers" if isinstance(value, dict) else "number"


def update(answers: dict, exercises: dict, values: dict, ran: set[str]) -> list[str]:
    """Bring ``answers`` (id -> entry) in step with the chapters' ``exercises`` and the
    recorded ``values``; chapters in ``ran`` were executed. Returns what changed, as lines."""
    changes = []
    chapters = {e["chapter"] for e in exercises.values()}
    for ex_id in [k for k in answers if k not in exercises]:
        if answers[ex_id].get("chapter") in chapters or not answers[ex_id].get("chapter"):
            changes.append(f"{ex_id}: removed (no such exercise in its chapter)")
            del answers[ex_id]
    for ex_id, info in exercises.items():
        entry = answers.setdefault(ex_id, {"kind": "pending", "hint": "", "key_points": [],
                                           "skeleton": ["answer = ..."]})
        for key in ("label", "title", "chapter"):
            if entry.get(key) != info[key]:
                if key != "chapter" and entry.get(key):
                    changes.append(f"{ex_id}: {key} {entry.get(key)!r} -> {info[key]!r}")
                entry[key] = info[key]
        if ex_id in values:
            new = values[ex_id]
            if entry["kind"] in ("pending", "discussion") or "tolerance" not in entry:
                entry["kind"] = _kind(new)
                entry.setdefault("tolerance", dict(DEFAULT_TOLERANCE))
                entry.pop("to_verify", None)
            if entry.get("expected") != new:
                changes.append(f"{ex_id}: expected {entry.get('expected')!r} -> {new!r}")
            entry["expected"] = new
        elif info["chapter"] in ran and entry["kind"] in ("number", "numbers"):
            changes.append(f"{ex_id}: WARNING no verify call recorded in {info['chapter']}")
    return changes


def insert_verify_cells(path: Path, answers: dict) -> list[str]:
    """Add to a chapter the hidden ``exercises.verify`` cell of each of its pending exercises
    that has a ``to_verify`` expression (after the last code cell of its solution), unless
    the chapter already verifies it. Returns the ids added; the chapter must then be
    re-executed and recorded."""
    nb = nbformat.read(path, as_version=4)
    number = make_student.chapter_number(path)
    labels = {label: f"{number}.{k}"
              for k, (label, _) in enumerate(make_student.exercise_list(nb), start=1)}
    last_code, inside = {}, None
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for mark, label in re.findall(r"\{solution-(start|end)\}[ \t]*(\S*)", cell.source):
                inside = label if mark == "start" else None
        elif inside and "remove-cell" not in cell.metadata.get("tags", []):
            last_code[inside] = i
    done = {m for c in nb.cells for m in re.findall(r"verify\(['\"]([\d.]+)['\"]", c.source)}
    added, inserts = [], []
    for label, ex_id in labels.items():
        expr = answers.get(ex_id, {}).get("to_verify")
        if not expr or ex_id in done or label not in last_code:
            continue
        source = (f"# Exercise {ex_id}'s answer, checked against vrp_lib/answers.json (the student "
                  "notebook's\n# check() compares with it; after a deliberate change: "
                  "python tools/make_answers.py)\nfrom vrp_lib import exercises\n\n"
                  f"exercises.verify({ex_id!r}, {expr})")
        inserts.append((last_code[label] + 1, nbformat.v4.new_code_cell(
            source, metadata={"tags": ["remove-cell"]})))
        added.append(ex_id)
    for at, cell in sorted(inserts, key=lambda t: -t[0]):  # from the end: indices stay valid
        nb.cells.insert(at, cell)
    if added:
        nbformat.write(nb, path)
    return added


def _order(ex_id: str) -> tuple[int, int]:
    a, b = ex_id.split(".")
    return int(a), int(b)


def write(answers: dict, path: Path = ANSWERS) -> None:
    ordered = {k: answers[k] for k in sorted(answers, key=_order)}
    path.write_text(json.dumps({"about": ABOUT, "exercises": ordered}, indent=1,
                               ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path,
                        help="chapters to run (default: all of chapters/)")
    parser.add_argument("--sync", action="store_true", help="update the entries, run nothing")
    parser.add_argument("--insert", action="store_true",
                        help="add the hidden verify cells of the given chapters' pending exercises "
                             "(their to_verify), then stop: re-execute and record next")
    args = parser.parse_args(argv)
    if args.insert:
        answers = json.loads(ANSWERS.read_text(encoding="utf-8"))["exercises"]
        for path in args.chapters:
            print(f"{path}: verify cells added for {insert_verify_cells(path, answers) or 'none'}")
        return 0
    every = sorted((ROOT / "chapters").glob("*.ipynb"))
    run = [] if args.sync else (args.chapters or every)
    answers = json.loads(ANSWERS.read_text(encoding="utf-8"))["exercises"] if ANSWERS.is_file() else {}
    values = record(run) if run else {}
    changes = update(answers, chapter_exercises(every), values, {Path(p).name for p in run})
    write(answers)
    print("\n".join(changes) or "no change")
    print(f"{ANSWERS.relative_to(ROOT)}: {len(answers)} exercises, {len(values)} values recorded")
    return 1 if any("WARNING" in c for c in changes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
