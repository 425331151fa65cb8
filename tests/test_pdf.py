"""The PDF of the book (``make pdf``, run by ``make test`` before this test).

Reads ``_build/pdf/vrp-book.pdf`` (or ``VRP_PDF``) with poppler's ``pdftotext`` and
``pdfinfo`` (Debian's ``poppler-utils``, installed by ``.ci/run``) and checks that:

- it has a cover, a contents page, every chapter's title, the glossary, the references and
  the trainer's guide; the contents give each chapter's page number, and the chapter's title
  is printed on that page;
- every exercise has its solution printed (open, at the end of its chapter), and no toggle
  text ("Click to show", "Show code cell") is left;
- no code line is cut at the margin: every line of every visible code cell of every chapter
  appears whole in the extracted text (a wrapped line is whole once line breaks are ignored),
  and no word lies outside the page's width;
- maths was typeset (no raw ``\\(`` or ``$$``).

It prints the page count. A missing PDF or missing poppler is a failure with a message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
PDF = Path(os.environ.get("VRP_PDF", ROOT / "_build" / "pdf" / "vrp-book.pdf")).resolve()
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
HIDDEN = {"remove-cell", "remove-input"}
SOLUTION_START = re.compile(r"\{solution-start\}")
SOLUTION_END = re.compile(r"\{solution-end\}")


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        pytest.fail(f"{tool} not found: install poppler-utils (Debian: `apt-get install "
                    "poppler-utils`, macOS: `brew install poppler`); .ci/run installs it",
                    pytrace=False)
    return found


@lru_cache(maxsize=None)
def _pdf_text(layout: bool = False) -> str:
    """The PDF's text in reading order, or (``layout``) line by line as laid out on the page,
    which keeps a code line and its aligned comment together."""
    if not PDF.is_file():
        pytest.fail(f"no PDF at {PDF}: run `make pdf` (or set VRP_PDF)", pytrace=False)
    return subprocess.run([_poppler("pdftotext"), "-enc", "UTF-8",
                           *(["-layout"] if layout else []), str(PDF), "-"],
                          capture_output=True, text=True, check=True).stdout


def _squash(text: str) -> str:
    """Text without white space and hyphens: a wrapped code line is whole again (pdftotext
    drops a hyphen at the end of a line, where Chromium may wrap a long line)."""
    return re.sub(r"[\s\-]+", "", text)


def _info() -> dict[str, str]:
    out = subprocess.run([_poppler("pdfinfo"), str(PDF)], capture_output=True, text=True,
                         check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def _title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    raise AssertionError("a chapter without a # title")


def _visible_code(nb) -> list[str]:
    """Lines of the code cells a reader sees (solutions included: the PDF prints them)."""
    lines = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.cell_type != "code" or tags & HIDDEN:
            continue
        lines += [ln for ln in cell.source.splitlines() if ln.strip()]
    return lines


def test_page_count_is_printed_and_recorded(capsys):
    pages = int(_info()["Pages"].strip())
    report = PDF.with_suffix(".json")
    assert report.is_file(), f"{report} missing: make pdf writes it"
    recorded = json.loads(report.read_text())
    assert recorded["pages"] == pages
    with capsys.disabled():
        print(f"\n{PDF.name}: {pages} pages, {PDF.stat().st_size / 1e6:.1f} MB")
    assert pages >= 30, f"only {pages} pages: the book is not all there"


def test_front_matter_and_back_matter():
    text = _pdf_text()
    first = text.split("\f")[:3]
    assert "The Volatility Risk Premium" in first[0], "no cover page"
    assert any("Contents" in page for page in first), "no contents page"
    for title in ("Glossary", "References", "Trainer’s guide"):
        assert title in text.replace("'", "’"), f"{title!r} is not in the PDF"


def test_contents_give_the_right_pages():
    """The contents list every chapter with the page its title is printed on."""
    pages = _pdf_text().split("\f")
    laid_out = _pdf_text(layout=True).split("\f")
    contents = "\n".join(laid_out[:6])  # the cover and the contents pages
    for chapter in CHAPTERS:
        title = _title(nbformat.read(chapter, as_version=4))
        m = re.search(re.escape(title[:40]) + r".*?\s(\d+)\s*$", contents, re.M)
        assert m, f"chapter {title!r} is not in the contents with a page number"
        page = int(m.group(1))
        assert _squash(title) in _squash(pages[page - 1]), (
            f"the contents say {title!r} is on page {page}; it is not printed there")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_title_present(chapter):
    title = _title(nbformat.read(chapter, as_version=4))
    assert _squash(title) in _squash(_pdf_text()), f"chapter title {title!r} not in the PDF"


def test_every_exercise_has_its_solution_printed():
    text = _pdf_text()
    n_solutions = 0
    for chapter in CHAPTERS:
        nb = nbformat.read(chapter, as_version=4)
        n_solutions += sum(len(SOLUTION_START.findall(c.source)) for c in nb.cells
                           if c.cell_type == "markdown")
    assert n_solutions > 0
    printed = text.count("Solution to Exercise")
    assert printed >= n_solutions, f"{printed} solutions printed, {n_solutions} in the chapters"
    assert text.count("Solutions to the exercises of chapter") >= len(CHAPTERS)
    for toggle in ("Click to show", "Click to hide", "Show code cell", "Hide code cell"):
        assert toggle not in text, f"toggle text {toggle!r} printed"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_no_code_line_cut(chapter):
    text, laid_out = _squash(_pdf_text()), _squash(_pdf_text(layout=True))
    lines = _visible_code(nbformat.read(chapter, as_version=4))
    assert lines, f"{chapter.name} has no visible code"
    cut = [ln for ln in lines if _squash(ln) not in text and _squash(ln) not in laid_out]
    assert not cut, (f"{len(cut)} of {len(lines)} code lines of {chapter.name} are not whole "
                     "in the PDF (cut at the margin, or the PDF is older than the chapter):\n"
                     + "\n".join(cut[:10]))


def test_no_text_outside_the_page():
    out = subprocess.run([_poppler("pdftotext"), "-bbox", str(PDF), "-"],
                         capture_output=True, text=True, check=True).stdout
    outside = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out,
                            re.S):
        width = float(page.group(1))
        for word in re.finditer(r'<word xMin="([-\d.]+)" yMin="[-\d.]+" xMax="([-\d.]+)"'
                                r'[^>]*>([^<]*)</word>', page.group(3)):
            x_min, x_max = float(word.group(1)), float(word.group(2))
            if x_max - x_min > width:
                continue  # a stretched maths glyph (a fraction bar), not a line of text
            if x_min < 0 or x_max > width + 0.5:
                outside.append(word.group(3))
    assert not outside, f"{len(outside)} words lie outside the page: {outside[:10]}"


def test_maths_typeset():
    # make_pdf stops when MathJax did not typeset; its report says how much it typeset.
    recorded = json.loads(PDF.with_suffix(".json").read_text())
    assert recorded["maths_typeset"] > 100, recorded
    text = _pdf_text()
    raw = re.findall(r"\\\(|\\\)|\\\[|\\\]", text)
    assert not raw, f"raw TeX delimiters in the PDF: {raw[:5]}"


def test_speaker_notes_left_out():
    """Speaker notes (`notes` cells, tagged `remove-cell` too) are for the slides only."""
    text = _pdf_text()
    assert "Speaker notes" not in text, "a speaker-notes box is printed in the book"
    for chapter in CHAPTERS:
        nb = nbformat.read(chapter, as_version=4)
        loose = [i for i, c in enumerate(nb.cells) if "notes" in c.metadata.get("tags", [])
                 and "remove-cell" not in c.metadata.get("tags", [])]
        assert not loose, f"{chapter.name}: `notes` cells {loose} are not tagged remove-cell"
