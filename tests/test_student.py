"""Student notebooks (``make student``, ``tools/make_student.py``).

Builds the student notebook of every chapter into a temporary folder and checks that each:

- holds no solution (no ``{solution``, no code or text of a solution), no cell tagged
  ``remove-cell`` and no ``{glue`` role or directive left; the hidden cells that later cells
  need are kept as set-up without their ``assert`` and ``glue`` lines;
- keeps every exercise, and writes the glued numbers into the text (the values myst-nb
  would show);
- is a valid nbformat 4 notebook without outputs;
- runs from top to bottom in a fresh kernel started in the student folder (``vrp_lib`` and
  its data are found from anywhere in the book's environment).

The conversion itself is also checked on a small notebook made here.
"""

from __future__ import annotations

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
    student = make_student.student_notebook(path, cites={}, titles={})
    text = "\n".join(c.source for c in student.cells)
    assert "15.4 vol points and 8287 days" in text
    assert "Compute the mean." in text and "After it." in text
    assert "42" not in text and "ungated" not in text and "x = 1" not in text
    # A hidden cell that a later cell needs stays as set-up, without its checks and glue.
    assert "y = 2" in text and "assert" not in text and "glue('k'" not in text
    assert "{glue" not in text and "{solution" not in text
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")
    figure = student.cells[-1]
    assert "![The glued figure.](attachment:fig1.png)" in figure.source
    assert figure.attachments["fig1.png"]["image/png"] == "iVBORw0KGgo="
    nbformat.validate(student)


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
    n_exercises = sum(len(re.findall(r"\{exercise\}", c.source)) for c in original.cells)
    assert text.count("**Exercise") == n_exercises, "an exercise was lost"
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


def _run(path: Path) -> str | None:
    """Execute a notebook in a fresh kernel (nbconvert in its own process), in its folder."""
    result = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--stdout",
         "--ExecutePreprocessor.timeout=300", path.name],
        cwd=path.parent, capture_output=True, text=True, timeout=900, check=False)
    if result.returncode != 0:
        return f"{path.name}: {result.stderr[-1500:]}"
    return None


def test_student_notebooks_run_top_to_bottom(student_dir):
    folder, errors = student_dir
    assert not errors, errors
    paths = sorted(folder.glob("*.ipynb"))
    assert len(paths) == len(CHAPTERS)
    with ThreadPoolExecutor(max_workers=2) as pool:
        failures = [f for f in pool.map(_run, paths) if f]
    assert not failures, "\n\n".join(failures)
