"""The PDF of the book in its two editions (``make pdf``, run by ``make test`` before this
test).

``make pdf`` writes ``_build/pdf/vrp-book-participants.pdf``, ``vrp-book-trainer.pdf`` and
``vrp-book.pdf`` (a copy of the participants' edition, linked from the HTML book); ``VRP_PDF``
names another ``vrp-book.pdf``, the editions being found next to it. This test reads them with
poppler's ``pdftotext`` and ``pdfinfo`` (Debian's ``poppler-utils``, installed by ``.ci/run``)
and checks that:

- each has a cover, a contents page three levels deep (chapter, section, subsection), every
  chapter's title, the glossary and the references; the contents give each chapter's page
  number, and the chapter's title is printed on that page;
- the participants' edition holds no solution (no "Solution to Exercise", none of the
  solutions' distinctive sentences, code lines or printed results), no answer key and no
  trainer's guide;
- the trainer's edition holds every solution (open, at the end of its chapter), the answer key
  with an entry per exercise ("Exercise N.M" and the result its solution printed), and the
  trainer's guide; no toggle text ("Click to show", "Show code cell") is left in either;
- plotting code is folded: a code cell whose only output is a figure prints the figure and a
  note, not its code (none of its distinctive lines is printed);
- no printed code line is cut at the margin: every line of every other visible code cell of
  every chapter appears whole in the extracted text (a wrapped line is whole once line
  breaks are ignored), and no word lies outside the page's width;
- no page is more than a third empty (below its lowest line of text) unless it is the cover,
  a contents page, the last page of a document (a chapter, the glossary, ...) or of the book;
- maths was typeset (no raw ``\\(`` or ``$$``).

It prints the page counts. A missing PDF or missing poppler is a failure with a message.
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
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = Path(os.environ.get("VRP_PDF", ROOT / "_build" / "pdf" / "vrp-book.pdf")).resolve()
EDITIONS = {name: BOOK.with_name(f"{BOOK.stem}-{name}.pdf") for name in ("participants", "trainer")}
PARTICIPANTS, TRAINER = EDITIONS["participants"], EDITIONS["trainer"]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
HIDDEN = {"remove-cell", "remove-input"}
SOLUTION_START = re.compile(r"\{solution-start\}")
SOLUTION_END = re.compile(r"\{solution-end\}")
EXERCISE = re.compile(r"\{exercise\}")
#: Parts of the trainer's guide found nowhere else in the book.
GUIDE_MARKS = ("Discussion questions.", "Common misconceptions.", "What to cut when short of time")
#: A page may be empty below its lowest line of text for at most this share of its text area.
MAX_EMPTY = 1 / 3
MM = 72 / 25.4
MARGIN_TOP, MARGIN_BOTTOM = 16 * MM, 18 * MM   # print.css's @page margins, in PDF points
edition = pytest.mark.parametrize("pdf", [PARTICIPANTS, TRAINER], ids=["participants", "trainer"])


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        pytest.fail(f"{tool} not found: install poppler-utils (Debian: `apt-get install "
                    "poppler-utils`, macOS: `brew install poppler`); .ci/run installs it",
                    pytrace=False)
    return found


#: The running footer of every printed page ("The Volatility Risk Premium — 27 / 141").
FOOTER = re.compile(r"^The Volatility Risk Premium — \d+ / \d+\s*$", re.M)


@lru_cache(maxsize=None)
def _pdf_text(pdf: Path, layout: bool = False) -> str:
    """The PDF's text in reading order, or (``layout``) line by line as laid out on the page,
    which keeps a code line and its aligned comment together."""
    if not pdf.is_file():
        pytest.fail(f"no PDF at {pdf}: run `make pdf` (or set VRP_PDF)", pytrace=False)
    return subprocess.run([_poppler("pdftotext"), "-enc", "UTF-8",
                           *(["-layout"] if layout else []), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def _squash(text: str) -> str:
    """Text without white space and hyphens: a wrapped code line is whole again (pdftotext
    drops a hyphen at the end of a line, where Chromium may wrap a long line)."""
    return re.sub(r"[\s\-]+", "", text).replace("’", "'").replace("“", '"').replace("”", '"')


def _info(pdf: Path) -> dict[str, str]:
    out = subprocess.run([_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def _title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    raise AssertionError("a chapter without a # title")


def _is_folded(cell) -> bool:
    """A plotting cell: its only outputs are figures. The PDF prints the figure, not the code."""
    outputs = cell.get("outputs", [])
    return bool(outputs) and all(o.get("output_type") == "display_data" and any(
        k.startswith("image/") for k in o.get("data", {})) for o in outputs)


def _code_cells(nb, solutions: bool = True) -> tuple[list, list]:
    """(printed, folded) visible code cells of a chapter; ``solutions=False`` leaves out the
    cells inside solutions."""
    printed, folded, in_solution = [], [], False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for m in re.finditer(r"\{(solution-start|solution-end)\}", cell.source):
                in_solution = m.group(1) == "solution-start"
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.cell_type != "code" or tags & HIDDEN or (in_solution and not solutions):
            continue
        (folded if _is_folded(cell) else printed).append(cell)
    return printed, folded


def _lines(cells) -> list[str]:
    return [ln for cell in cells for ln in cell.source.splitlines() if ln.strip()]


def _solutions(nb) -> tuple[list[str], list[str]]:
    """(prose, code and printed lines) of a chapter's solutions, and of the rest of it."""
    inside, outside, in_solution = [], [], False
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "remove-cell" in tags:
            continue
        if cell.cell_type == "code":
            text = cell.source + "\n" + "\n".join(o.get("text", "") for o in cell.get("outputs", []))
            (inside if in_solution else outside).append(text)
            continue
        pos = 0
        for m in re.finditer(r"^(`{3,}|:{3,})\{(solution-start|solution-end)\}.*?^\1\s*$",
                             cell.source, re.M | re.S):
            (inside if in_solution else outside).append(cell.source[pos:m.start()])
            in_solution, pos = m.group(2) == "solution-start", m.end()
        (inside if in_solution else outside).append(cell.source[pos:])
    return inside, outside


@lru_cache(maxsize=None)
def _outside_solutions() -> str:
    """Everything of the chapters that is not a solution, squashed."""
    return _squash("\n".join(t for c in CHAPTERS
                             for t in _solutions(nbformat.read(c, as_version=4))[1]))


def _distinctive_solution_lines(nb) -> list[str]:
    """Lines of a chapter's solutions (prose sentences, code, printed results) found nowhere
    else in the book's chapters, long enough to be distinctive; MyST roles and maths are
    skipped."""
    inside, _ = _solutions(nb)
    rest = _outside_solutions()
    found = []
    for text in inside:
        for piece in re.split(r"\n|(?<=[.:;])\s", text):
            piece = piece.strip()
            if re.search(r"[{}$`\\*]|\]\(|^[|#*>-]|```", piece):
                continue
            if len(_squash(piece)) >= 30 and _squash(piece) not in rest:
                found.append(piece)
    return found


def _doc_titles() -> list[str]:
    """Titles of the book's documents in the PDF (the execution table and API are left out)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    titles = []
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            name = chapter["file"]
            if name in ("api", "execution_status"):
                continue
            if (ROOT / f"{name}.ipynb").is_file():
                titles.append(_title(nbformat.read(ROOT / f"{name}.ipynb", as_version=4)))
            else:
                text = (ROOT / f"{name}.md").read_text(encoding="utf-8")
                titles.append(re.search(r"^#\s+(.+)$", text, re.M).group(1).strip())
    return titles + ["Answer key"]


def _contents(pdf: Path) -> str:
    """The contents pages, as laid out: the pages before the first chapter's."""
    pages = _pdf_text(pdf, layout=True).split("\f")
    return "\n".join(pages[1:6])


def _contents_page(pdf: Path, title: str) -> int | None:
    m = re.search(r"^\s*(?:\d+\.\s+)?" + re.escape(title.replace("'", "’")[:40])
                  + r".*?\s(\d+)\s*$", _contents(pdf), re.M)
    return int(m.group(1)) if m else None


@edition
def test_page_count_is_printed_and_recorded(pdf, capsys):
    pages = int(_info(pdf)["Pages"].strip())
    report = pdf.with_suffix(".json")
    assert report.is_file(), f"{report} missing: make pdf writes it"
    recorded = json.loads(report.read_text())
    assert recorded["pages"] == pages
    with capsys.disabled():
        print(f"\n{pdf.name}: {pages} pages, {pdf.stat().st_size / 1e6:.1f} MB")
    assert pages >= 30, f"only {pages} pages: the book is not all there"


def test_the_linked_pdf_is_the_participants_edition():
    """The HTML book links vrp-book.pdf: readers get the edition without the solutions."""
    assert BOOK.is_file(), f"no PDF at {BOOK}: run `make pdf`"
    assert BOOK.read_bytes() == PARTICIPANTS.read_bytes(), (
        f"{BOOK.name} is not a copy of {PARTICIPANTS.name}")


@edition
def test_front_matter_and_back_matter(pdf):
    text = _pdf_text(pdf)
    first = text.split("\f")[:3]
    assert "The Volatility Risk Premium" in first[0], "no cover page"
    kind = "Trainer’s edition" if pdf == TRAINER else "Participants’ edition"
    assert kind in first[0].replace("'", "’"), f"the cover does not say {kind!r}"
    assert any("Contents" in page for page in first), "no contents page"
    for title in ("Glossary", "References"):
        assert title in text, f"{title!r} is not in the PDF"


@edition
def test_contents_give_the_right_pages(pdf):
    """The contents list every chapter with the page its title is printed on."""
    pages = _pdf_text(pdf).split("\f")
    for chapter in CHAPTERS:
        title = _title(nbformat.read(chapter, as_version=4))
        page = _contents_page(pdf, title)
        assert page, f"chapter {title!r} is not in the contents with a page number"
        assert _squash(title) in _squash(pages[page - 1]), (
            f"the contents say {title!r} is on page {page}; it is not printed there")


@edition
def test_contents_three_levels_deep(pdf):
    """Chapters (4.), sections (4.2.) and subsections (3.4.4.), each with its page."""
    contents = _contents(pdf)
    for depth, pattern in ((2, r"^\s*\d+\.\d+\.\s+\S.*\s\d+\s*$"),
                           (3, r"^\s*\d+\.\d+\.\d+\.\s+\S.*\s\d+\s*$")):
        found = re.findall(pattern, contents, re.M)
        assert len(found) >= 5, f"the contents list {len(found)} entries of level {depth}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
@edition
def test_chapter_title_present(pdf, chapter):
    title = _title(nbformat.read(chapter, as_version=4))
    assert _squash(title) in _squash(_pdf_text(pdf)), f"chapter title {title!r} not in the PDF"


@edition
def test_no_toggle_text(pdf):
    text = _pdf_text(pdf)
    for toggle in ("Click to show", "Click to hide", "Show code cell", "Hide code cell"):
        assert toggle not in text, f"toggle text {toggle!r} printed"


def test_trainer_edition_has_every_solution_and_the_guide():
    text = _pdf_text(TRAINER)
    n_solutions = 0
    for chapter in CHAPTERS:
        nb = nbformat.read(chapter, as_version=4)
        n_solutions += sum(len(SOLUTION_START.findall(c.source)) for c in nb.cells
                           if c.cell_type == "markdown")
    assert n_solutions > 0
    printed = text.count("Solution to Exercise")
    assert printed >= n_solutions, f"{printed} solutions printed, {n_solutions} in the chapters"
    assert text.count("Solutions to the exercises of chapter") >= len(CHAPTERS)
    assert "Trainer’s guide" in text.replace("'", "’"), "no trainer's guide"
    for mark in GUIDE_MARKS:
        assert mark in text, f"the trainer's guide lacks {mark!r}"
    # a sentence that runs over a page break has the page's footer in the middle: drop footers
    # and a code line's aligned comment is a block of its own in reading order: read the
    # laid-out text too, where the two stay on one line
    squashed = _squash(FOOTER.sub("", text))
    laid_out = _squash(FOOTER.sub("", _pdf_text(TRAINER, layout=True)))
    for chapter in CHAPTERS:
        lines = _distinctive_solution_lines(nbformat.read(chapter, as_version=4))
        missing = [ln for ln in lines if _squash(ln) not in squashed and _squash(ln) not in laid_out]
        assert not missing, f"{chapter.name}: solution text not in the trainer's edition: {missing[:3]}"


def test_trainer_edition_has_an_answer_key_entry_per_exercise():
    """After "Answer key": "Exercise N.M" for every exercise, with the first line its solution
    printed (the stored output), in the chapters' order."""
    text = _pdf_text(TRAINER)
    assert "Answer key" in text, "no answer key"
    key = _squash(text[text.index("\nAnswer key"):])
    position = 0
    for number, chapter in enumerate(CHAPTERS, start=1):
        nb = nbformat.read(chapter, as_version=4)
        n = sum(len(EXERCISE.findall(c.source)) for c in nb.cells if c.cell_type == "markdown")
        assert n >= 1, f"{chapter.name} has no exercise"
        for m in range(1, n + 1):
            found = key.find(_squash(f"Exercise {number}.{m}"), position)
            assert found >= 0, f"the answer key has no entry for Exercise {number}.{m}"
            position = found
    # every solution's printed results are in the key
    for chapter in CHAPTERS:
        nb = nbformat.read(chapter, as_version=4)
        in_solution = False
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                for m in re.finditer(r"\{(solution-start|solution-end)\}", cell.source):
                    in_solution = m.group(1) == "solution-start"
                continue
            if not in_solution or "remove-cell" in cell.metadata.get("tags", []):
                continue
            for out in cell.get("outputs", []):
                first = next((ln for ln in out.get("text", "").splitlines() if ln.strip()), "")
                assert _squash(first) in key, (
                    f"{chapter.name}: the answer key lacks the solution's result {first!r}")


def test_participants_edition_has_no_solution_key_or_guide():
    text = _pdf_text(PARTICIPANTS)
    squashed = _squash(text)
    for banned in ("Solution to Exercise", "Solutions to the exercises of chapter",
                   "Answer key", *GUIDE_MARKS):
        assert banned not in text, f"{banned!r} is in the participants' edition"
    assert _contents_page(PARTICIPANTS, "Trainer's guide") is None, (
        "the trainer's guide is in the participants' contents")
    leaked = []
    for chapter in CHAPTERS:
        lines = _distinctive_solution_lines(nbformat.read(chapter, as_version=4))
        assert lines, f"{chapter.name}: no distinctive solution text to look for"
        leaked += [f"{chapter.name}: {ln}" for ln in lines if _squash(ln) in squashed]
    assert not leaked, f"{len(leaked)} solution lines in the participants' edition:\n" + \
        "\n".join(leaked[:10])


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
@edition
def test_no_code_line_cut(pdf, chapter):
    text, laid_out = _squash(_pdf_text(pdf)), _squash(_pdf_text(pdf, layout=True))
    printed, _ = _code_cells(nbformat.read(chapter, as_version=4), solutions=pdf == TRAINER)
    lines = _lines(printed)
    assert lines, f"{chapter.name} has no visible code"
    cut = [ln for ln in lines if _squash(ln) not in text and _squash(ln) not in laid_out]
    assert not cut, (f"{len(cut)} of {len(lines)} code lines of {chapter.name} are not whole "
                     f"in {pdf.name} (cut at the margin, or the PDF is older than the "
                     "chapter):\n" + "\n".join(cut[:10]))


@edition
def test_plotting_code_folded(pdf):
    """A cell whose only output is a figure prints the figure and a note, not its code."""
    text = _squash(_pdf_text(pdf)) + _squash(_pdf_text(pdf, layout=True))
    books = [nbformat.read(chapter, as_version=4) for chapter in CHAPTERS]
    others = _squash("\n".join("\n".join(_lines(_code_cells(nb)[0])) + "\n".join(
        c.source for c in nb.cells if c.cell_type == "markdown") for nb in books))
    n_folded, printed_lines = 0, []
    for chapter, nb in zip(CHAPTERS, books):
        folded = _code_cells(nb)[1]
        n_folded += len(folded)
        for ln in _lines(folded):
            if len(_squash(ln)) >= 25 and _squash(ln) not in others and _squash(ln) in text:
                printed_lines.append(f"{chapter.name}: {ln.strip()}")
    assert n_folded, "no plotting cell in the chapters"
    assert text.count(_squash("Plotting code folded")) >= n_folded
    assert not printed_lines, (f"{len(printed_lines)} lines of plotting code printed:\n"
                               + "\n".join(printed_lines[:10]))


def _emptiness(pdf: Path) -> list[float]:
    """Per page, the share of the text area below its lowest line of text (the footer apart)."""
    out = subprocess.run([_poppler("pdftotext"), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    shares = []
    for page in re.finditer(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', out, re.S):
        height = float(page.group(1))
        top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
        lows = [float(y) for y in re.findall(r'yMax="([-\d.]+)"', page.group(2))]
        low = max([y for y in lows if y < bottom + 1], default=top)
        shares.append(1 - (low - top) / (bottom - top))
    return shares


@edition
def test_no_page_more_than_a_third_empty(pdf, capsys):
    """Unless it is the cover, a contents page, or the last page of a document or the book."""
    shares = _emptiness(pdf)
    starts = sorted(p for p in (_contents_page(pdf, t) for t in _doc_titles()[1:]) if p)
    assert len(starts) >= len(CHAPTERS), f"document starts not found in the contents: {starts}"
    exempt = {1, len(shares)} | set(range(1, starts[0])) | {p - 1 for p in starts}
    over = [(i + 1, round(s, 2)) for i, s in enumerate(shares)
            if s > MAX_EMPTY and i + 1 not in exempt]
    with capsys.disabled():
        print(f"\n{pdf.name}: {len(shares)} pages, "
              f"{sum(s > 0.3 for s in shares)} over 30% empty (all pages), "
              f"{len(over)} over a third empty where no document ends")
    assert not over, f"pages more than a third empty (page, share): {over}"


@edition
def test_no_text_outside_the_page(pdf):
    out = subprocess.run([_poppler("pdftotext"), "-bbox", str(pdf), "-"],
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


@edition
def test_maths_typeset(pdf):
    # make_pdf stops when MathJax did not typeset; its report says how much it typeset.
    recorded = json.loads(pdf.with_suffix(".json").read_text())
    assert recorded["maths_typeset"] > 100, recorded
    raw = re.findall(r"\\\(|\\\)|\\\[|\\\]", _pdf_text(pdf))
    assert not raw, f"raw TeX delimiters in the PDF: {raw[:5]}"


@edition
def test_speaker_notes_left_out(pdf):
    """Speaker notes (`notes` cells, tagged `remove-cell` too) are for the slides only."""
    assert "Speaker notes" not in _pdf_text(pdf), "a speaker-notes box is printed in the book"
    for chapter in CHAPTERS:
        nb = nbformat.read(chapter, as_version=4)
        loose = [i for i, c in enumerate(nb.cells) if "notes" in c.metadata.get("tags", [])
                 and "remove-cell" not in c.metadata.get("tags", [])]
        assert not loose, f"{chapter.name}: `notes` cells {loose} are not tagged remove-cell"
