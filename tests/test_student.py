"""Student notebooks (``make student``, ``tools/make_student.py``).

Builds the student notebook of every chapter into a temporary folder and checks that each:

- holds no solution (no ``{solution``, no code or text of a solution), no cell tagged
  ``remove-cell`` and no ``{glue`` role or directive left; the hidden cells that later cells
  need are kept as set-up without their ``assert`` and ``glue`` lines;
- keeps every exercise with its number as the book shows it ("**Exercise 4.1: Wider
  spreads**"), each followed by an answer cell (skeleton and ``check("4.1", answer)``), and
  writes the glued numbers into the text (the values myst-nb would show);
- reads cross-references as "chapter N", "chapter N, section N.M", "Exercise N.M",
  "figure N.k"; carries no build plumbing (no ``myst_nb``, no ``glue(...)`` call);
- is a valid nbformat 4 notebook without outputs;
- runs from top to bottom in a fresh kernel started in the student folder (``vrp_lib`` and
  its data are found from anywhere in the book's environment), its answer cells saying "not
  answered yet"; in the same run, after each answer cell, the exercise's solution code and
  ``check`` with the solution's value (the expression of the chapter's hidden
  ``exercises.verify`` call) must say "right".

The conversion itself is also checked on a small notebook made here.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))
import make_student  # noqa: E402

sys.path.pop(0)


def _glue_output(key: str, text: str):
    return new_output("display_data", data={"application/papermill.record/text/plain": text},
                      metadata={"scrapbook": {"name": key,
                                              "mime_prefix": "application/papermill.record/"}})


def test_conversion_of_a_small_notebook(tmp_path):
    nb = new_notebook(cells=[
        new_markdown_cell("# A chapter\n\nThe mean is {glue:text}`m:.1f` vol points and "
                          "{glue:}`n` days."),
        new_code_cell("x = 1", metadata={"tags": ["remove-cell"]}),
        new_code_cell("y = 2\nassert y == 2\nglue('k', y)", metadata={"tags": ["remove-cell"]}),
        new_code_cell("print(y)"),
        new_code_cell("glue('m', 15.4321)\nglue('n', 8287)",
                      outputs=[_glue_output("m", "15.4321"), _glue_output("n", "8287")]),
        new_markdown_cell("```{exercise} Compute\n:label: ex-1\nCompute the mean.\n```\n\n"
                          "```{solution-start} ex-1\n:class: dropdown\n```"),
        new_code_cell("answer = 42  # solution code"),
        new_markdown_cell("The answer is 42.\n\n```{solution-end}\n```\n\nAfter it."),
        new_markdown_cell("```{solution} ex-1\nAn ungated solution.\n```"),
        new_code_cell("glue('fig1', fig)", outputs=[new_output(
            "display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"},
            metadata={"scrapbook": {"name": "fig1", "mime_prefix": ""}})]),
        new_markdown_cell("```{glue:figure} fig1\n:name: fig-x\nThe glued figure.\n```"),
    ])
    path = tmp_path / "99_small.ipynb"
    nbformat.write(nb, path)
    answers = {"99.1": {"skeleton": ["# premium.summary(...)", "answer = ..."]}}
    student = make_student.student_notebook(path, cites={}, titles={}, answers=answers)
    text = "\n".join(c.source for c in student.cells)
    assert "**Exercise 99.1: Compute**\n\nCompute the mean." in text
    answer = next(c for c in student.cells if "answer" in c.metadata.get("tags", []))
    assert answer.source.splitlines()[-3:] == ["# premium.summary(...)", "answer = ...",
                                               'check("99.1", answer)']
    assert "15.4 vol points and 8287 days" in text
    assert "Compute the mean." in text and "After it." in text
    assert "= 42" not in text and "ungated" not in text and "x = 1" not in text
    # A hidden cell that a later cell needs stays as set-up, without its checks and glue.
    assert "y = 2" in text and "assert" not in text and "glue('k'" not in text
    assert "{glue" not in text and "{solution" not in text
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")
    figure = student.cells[-1]
    assert "glue(" not in text
    assert "![The glued figure.](attachment:fig1.png)" in figure.source
    assert figure.attachments["fig1.png"]["image/png"] == "iVBORw0KGgo="
    nbformat.validate(student)


def test_exercises_sharing_a_cell_are_split_and_need_an_entry(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell(
        "## Exercises\n\n```{exercise} One\n:label: ex-a\nFirst.\n```\n\n"
        "```{solution-start} ex-a\n```\nSecret.\n```{solution-end}\n```\n\n"
        "```{exercise} Two\n:label: ex-b\nSecond.\n```\n\nAfter.")])
    path = tmp_path / "07_two.ipynb"
    nbformat.write(nb, path)
    answers = {"7.1": {"skeleton": ["answer = ..."]}, "7.2": {}}
    cells = make_student.student_notebook(path, cites={}, titles={}, answers=answers).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "markdown", "code", "markdown"]
    assert cells[0].source.startswith("## Exercises") and "**Exercise 7.1: One**" in cells[0].source
    assert cells[2].source == "**Exercise 7.2: Two**\n\nSecond." and cells[4].source == "After."
    assert 'check("7.2", answer)' in cells[3].source and "Secret" not in cells[2].source
    with pytest.raises(make_student.StudentError, match="7.2"):
        make_student.student_notebook(path, cites={}, titles={}, answers={"7.1": {}})


def test_cross_references_are_numbered():
    refs = make_student.cross_references(CHAPTERS)
    assert refs["ch-variance-form"] == "chapter 2"
    assert refs["ch2-log-contract"] == "chapter 2, section 2.6"
    assert refs["ch2-forecast-scores"] == "chapter 2, section 2.11.1"
    assert refs["ex-var-4"] == "Exercise 2.6" and refs["ex-def-ledger"] == "Exercise 1.1"
    assert refs["fig-ch1-vix-rv"] == "figure 1.1"
    # every {ref}/{numref} of the chapters without its own text has a numbered target
    targets = set()
    for chapter in CHAPTERS:
        for cell in nbformat.read(chapter, as_version=4).cells:
            if cell.cell_type == "markdown":
                targets |= set(re.findall(r"\{(?:ref|numref)\}`([^`<]+)`", cell.source))
    assert not targets - set(refs), targets - set(refs)


def test_unknown_glue_key_is_an_error(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("The mean is {glue:text}`missing`.")])
    path = tmp_path / "98_missing.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(make_student.StudentError, match="missing"):
        make_student.student_notebook(path, cites={}, titles={})


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    """The student notebooks of all chapters, and the conversion errors by chapter."""
    out = tmp_path_factory.mktemp("student")
    cites = make_student.citation_labels(ROOT / "references.bib")
    titles = make_student.section_titles(CHAPTERS)
    errors = {}
    for chapter in CHAPTERS:
        try:
            nb = make_student.student_notebook(chapter, cites, titles)
        except make_student.StudentError as exc:
            errors[chapter.name] = str(exc)
            continue
        nbformat.write(nb, out / chapter.name)
    return out, errors


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_student_notebook_content(student_dir, chapter):
    folder, errors = student_dir
    assert chapter.name not in errors, errors.get(chapter.name)
    student = nbformat.read(folder / chapter.name, as_version=4)
    original = nbformat.read(chapter, as_version=4)
    nbformat.validate(student)
    text = "\n".join(c.source for c in student.cells)
    assert "{glue" not in text, "a glue role is left"
    assert "{solution" not in text, "a solution is left"
    assert not [c for c in student.cells if "remove-cell" in c.metadata.get("tags", [])]
    assert not [c for c in student.cells if "notes" in c.metadata.get("tags", [])]
    assert "Speaker notes" not in text, "speaker notes are for the trainer's slides"
    setup = [c.source for c in student.cells if c.source.startswith("# Set-up (hidden")]
    assert not [s for s in setup if re.search(r"^assert |^glue\(", s, re.M)], (
        "a check or glue call is left in a set-up cell")
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")
    number = make_student.chapter_number(chapter)
    listed = make_student.exercise_list(original)
    for k, (_, title) in enumerate(listed, start=1):
        head = f"**Exercise {number}.{k}: {title}**"
        at = [i for i, c in enumerate(student.cells) if head in c.source]
        assert len(at) == 1, f"{head} not found once"
        answer = student.cells[at[0] + 1]
        assert answer.cell_type == "code" and "answer" in answer.metadata.get("tags", [])
        assert f'check("{number}.{k}", answer)' in answer.source
        assert "from vrp_lib.exercises import check" in answer.source
    assert text.count("**Exercise") == len(listed), "an exercise was lost"
    assert "Exercise:" not in text, "an exercise without its number"
    code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    assert "myst_nb" not in code and not re.search(r"\bglue\(", code), "build plumbing left"
    assert not re.search(r"\{(ref|numref|prf:ref)\}", text), "a cross-reference left as a role"
    # No code of a solution survives: code cells between solution-start and solution-end.
    solution_code, inside = [], False
    for cell in original.cells:
        if cell.cell_type == "markdown":
            for mark in re.findall(r"\{solution-(start|end)\}", cell.source):
                inside = mark == "start"
        elif inside and cell.source.strip():
            solution_code.append(cell.source.strip())
    kept = [c.source.strip() for c in student.cells if c.cell_type == "code"]
    assert not set(solution_code) & set(kept), "solution code left in the student notebook"


def _solutions(chapter: Path) -> dict[str, tuple[list[str], str]]:
    """``id -> (solution code cells, expression of its verify call)`` of a chapter's exercises
    with a recorded number."""
    nb = nbformat.read(chapter, as_version=4)
    number = make_student.chapter_number(chapter)
    ids = {label: f"{number}.{k}"
           for k, (label, _) in enumerate(make_student.exercise_list(nb), start=1)}
    code, verify, inside = {}, {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for mark, label in re.findall(r"\{solution-(start|end)\}[ \t]*(\S*)", cell.source):
                inside = label if mark == "start" else None
            continue
        if "exercises.verify(" in cell.source:
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "verify":
                    verify[node.args[0].value] = ast.get_source_segment(cell.source, node.args[1])
        elif inside and "remove-cell" not in cell.metadata.get("tags", []):
            code.setdefault(ids[inside], []).append(cell.source)
    return {i: (code.get(i, []), expr) for i, expr in verify.items()}


def solved(student, chapter: Path):
    """The student notebook with, after each answer cell, the exercise's solution code and a
    check of its value (cells tagged ``solved``)."""
    solutions = _solutions(chapter)
    cells = []
    for cell in student.cells:
        cells.append(cell)
        m = re.search(r'check\("([\d.]+)", answer\)', cell.source)
        if cell.cell_type != "code" or not m or m.group(1) not in solutions:
            continue
        code, expr = solutions[m.group(1)]
        cells += [nbformat.v4.new_code_cell(c) for c in code]
        cells.append(nbformat.v4.new_code_cell(
            f"from vrp_lib.exercises import check\nanswer = {expr}\ncheck({m.group(1)!r}, answer)",
            metadata={"tags": ["solved"]}))
    return nbformat.v4.new_notebook(cells=cells, metadata=student.metadata)


def _run(path: Path) -> str | None:
    """Execute a notebook in a fresh kernel (nbconvert in its own process), in its folder;
    the answer cells must say "not answered yet" (or pending), the solved checks "right"."""
    result = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--stdout",
         "--ExecutePreprocessor.timeout=300", path.name],
        cwd=path.parent, capture_output=True, text=True, timeout=900, check=False)
    if result.returncode != 0:
        return f"{path.name}: {result.stderr[-1500:]}"
    problems = []
    for cell in nbformat.reads(result.stdout, as_version=4).cells:
        tags = cell.metadata.get("tags", [])
        out = "".join(o.get("text", "") for o in cell.get("outputs", []))
        if "answer" in tags and "not answered yet" not in out and "no answer recorded" not in out:
            problems.append(f"answer cell printed {out!r}")
        if "solved" in tags and ": right." not in out:
            problems.append(f"the solution's value is not right: {cell.source!r} -> {out!r}")
    return f"{path.name}: " + "; ".join(problems) if problems else None


def test_student_notebooks_run_top_to_bottom(student_dir):
    folder, errors = student_dir
    assert not errors, errors
    paths = sorted(folder.glob("*.ipynb"))
    assert len(paths) == len(CHAPTERS)
    for path in paths:  # with the solutions' checks after the answer cells
        nbformat.write(solved(nbformat.read(path, as_version=4), ROOT / "chapters" / path.name),
                       path)
    with ThreadPoolExecutor(max_workers=2) as pool:
        failures = [f for f in pool.map(_run, paths) if f]
    assert not failures, "\n\n".join(failures)
