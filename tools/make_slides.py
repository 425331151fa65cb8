"""Turn each chapter notebook into a reveal.js slide deck that works offline.

Usage (``make slides``)::

    python tools/make_slides.py --out _build/slides chapters/*.ipynb

Writes ``<out>/<chapter>.slides.html`` per notebook, next to copies of reveal.js and MathJax
(fetched at set-up by ``make assets``), so the folder can be copied to a laptop and opened
without a network. Nothing is loaded from a CDN.

Which cells become slides
-------------------------
An author marks cells for slides with **cell tags** (JupyterLab: property inspector, "Cell
Tags"; or in the notebook JSON ``"metadata": {"tags": ["slide"]}``):

``slide``        the cell starts a new slide
``subslide``     the cell starts a new vertical slide below the current one
``fragment``     the cell appears on the current slide at the next click
``slide-cont``   the cell continues the current slide
``notes``        the cell becomes speaker notes of the current slide (press ``s``); tag it
                 ``remove-cell`` as well, so that the book and the PDF leave it out (the
                 deck keeps it, the student notebooks drop it)
``slide-code``   on a code cell (with one of the above): show its code, not only its output

Jupyter's own ``metadata.slideshow.slide_type`` works too. A markdown cell may carry its
short slide text in its metadata (``"slide-text": "- point one\n- point two"``): the deck
shows that instead of the cell's prose.

Slides that teach
-----------------
Each deck opens with its session's title slide and agenda slide, read from the trainer's
guide (``trainers_guide.md``: its ``## Session N`` sections, their **Chapter.**,
**Achieves.**, **Duration.**, **Run live.** and **Discussion questions.** parts), and ends
with one "Your turn" slide per exercise naming "Exercise N.M", its title and its minutes: the
guide's when it gives an exercise's minutes ("Exercise 4.1 ... 10 minutes"), else the
session's "N of exercises" shared between its exercises, else
:data:`DEFAULT_EXERCISE_MINUTES`. Prose paragraphs become bullets (each paragraph's first
sentence, shortened); the full prose goes to the notes. Every slide has speaker notes: its
``notes`` cell, else the first sentences of its own prose, else of its section's prose.
Figures are redrawn at projector size: each chapter is executed again, in a fresh kernel
on the embedded data, with ``vrp_lib.plotting.PROJECTOR`` applied to the book's style
(type 1.5 times the book's, 150 dpi), and its deck takes the figures of that run; they are
shown up to 620 px tall. ``--stored-figures`` skips the run and uses the chapter's stored
PNGs (fast, for a check of the text). When a notebook has at least one
tagged cell, only tagged cells go into its deck, and code cells show their outputs only
(unless tagged ``slide-code``). A notebook without any tag gets a deck built from its
structure: the title and objectives, one slide per ``#``/``##`` section (``###`` as vertical
slides) with its prose, one slide per figure, the exercises; never the solutions, the
hidden cells or code.

MyST syntax that nbconvert does not know is turned into plain Markdown: admonitions,
definitions, theorems and exercises become bold titles with their text, ``{term}``,
``{ref}`` and ``{cite}`` roles become their text (citations as author and year from
``references.bib``), ``{glue:text}`` becomes the glued number taken from the stored outputs.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import SlidesExporter
from nbconvert.preprocessors import TagRemovePreprocessor

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "slides_templates"
MATHJAX_DIR = ROOT / "_extra" / "mathjax"
REVEAL_DIR = ROOT / "_vendor" / "reveal.js"

TAG_TO_TYPE = {"slide": "slide", "subslide": "subslide", "fragment": "fragment",
               "slide-cont": "-", "notes": "notes"}
HIDE_INPUT = "vrp-slide-hide-input"
#: The deck's size in CSS pixels (a 720p projector); the slide test checks every slide fits.
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720

LABEL_LINE = re.compile(r"^\(([^)\s]+)\)=\s*$", re.M)
FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[^}]+)\}[ \t]*(?P<arg>.*)$")
ROLE = re.compile(r"\{(?P<name>[a-zA-Z:_-]+)\}`(?P<body>[^`]*)`")
HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
NUMBER_REPR = re.compile(r"^(?:np\.\w+|numpy\.\w+)\((.*)\)$")


#: The cell run before a chapter's first cell when its figures are redrawn for the deck.
PROJECTOR_CELL = ("import vrp_lib.plotting as _vrp_plotting\n"
                  "_vrp_plotting.STYLE.update(_vrp_plotting.PROJECTOR)")


def redraw_for_projector(path: Path, timeout: int = 300):
    """The chapter at ``path`` executed again in a fresh kernel (from its folder, on the
    embedded data) with the projector style: its figures at projector size, every other
    output as stored (the chapters are deterministic; nbval checks them)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROJECTOR_CELL))
    saved = os.environ.get("VRP_DATA")
    os.environ["VRP_DATA"] = "embedded"
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.resolve().parent)}}).execute()
    finally:
        if saved is None:
            os.environ.pop("VRP_DATA", None)
        else:
            os.environ["VRP_DATA"] = saved
    del nb.cells[0]
    return nb


# --- what the roles point at ---------------------------------------------------------------

def glue_values(nb) -> dict[str, str]:
    """Glued values (``text/plain``) recorded in the stored outputs of a notebook."""
    values = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            scrap = out.get("metadata", {}).get("scrapbook", {})
            data = out.get("data", {})
            text = data.get(scrap.get("mime_prefix", "") + "text/plain", data.get("text/plain"))
            if scrap.get("name") and text is not None:
                values[scrap["name"]] = text
    return values


def format_glue(text: str, spec: str) -> str:
    """Format a glued ``text/plain`` value as myst-nb's ``{glue:text}`key:spec``` does."""
    raw = NUMBER_REPR.sub(r"\1", text.strip())
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw.strip("'\"")
    if spec:
        try:
            return format(value, spec)
        except (ValueError, TypeError):
            pass
    return str(value)


def citation_labels(bib: Path) -> dict[str, tuple[str, str]]:
    """``key -> (authors, year)`` from a BibTeX file (pybtex ships with sphinxcontrib-bibtex)."""
    if not bib.is_file():
        return {}
    from pybtex.database import parse_file

    labels = {}
    for key, entry in parse_file(str(bib)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
        who = (names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2
               else f"{names[0]} et al.") if names else key
        labels[key] = (who, entry.fields.get("year", "n.d."))
    return labels


def section_titles(paths: list[Path]) -> dict[str, str]:
    """``label -> heading text`` for every ``(label)=`` line followed by a heading."""
    titles = {}
    for path in paths:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "markdown":
                continue
            lines = cell.source.splitlines()
            for i, line in enumerate(lines):
                m = LABEL_LINE.match(line)
                if m:
                    nxt = next((l for l in lines[i + 1:] if l.strip()), "")
                    h = HEADING.match(nxt)
                    titles[m.group(1)] = h.group(2).strip() if h else m.group(1)
    return titles


# --- MyST to plain Markdown ----------------------------------------------------------------

class Plainer:
    """Rewrite MyST Markdown into the CommonMark (+ maths) that nbconvert renders."""

    def __init__(self, glue: dict[str, str], cites: dict[str, tuple[str, str]],
                 titles: dict[str, str]):
        self.glue, self.cites, self.titles = glue, cites, titles

    def role(self, m: re.Match) -> str:
        name, body = m.group("name"), m.group("body")
        text, _, target = body.partition("<")
        text, target = text.strip(), target.rstrip(">").strip()
        if name.startswith("glue"):
            key, _, spec = body.rsplit("::", 1)[-1].partition(":")  # "path::key" glues from a page
            return format_glue(self.glue[key], spec) if key in self.glue else body
        if name.startswith("cite"):
            found = [self.cites.get(k.strip(), (k.strip(), "")) for k in body.split(",")]
            if name == "cite:p":
                return "(" + "; ".join(f"{who}, {year}" for who, year in found) + ")"
            return "; ".join(f"{who} ({year})" for who, year in found)
        if name == "math":
            return f"${body}$"
        if name in ("ref", "numref", "prf:ref", "doc", "eq"):
            if target:
                return text
            return self.titles.get(body, body.replace("-", " "))
        return text if target else body

    def directive(self, name: str, arg: str, body: list[str]) -> list[str]:
        name = name.strip()
        options = {}
        while body and re.match(r"^:[\w-]+:", body[0]):
            key, _, val = body.pop(0)[1:].partition(":")
            options[key.strip()] = val.strip()
        kind = name.split(":")[-1]
        if name in ("math",):
            return ["$$", *body, "$$"]
        if kind in ("bibliography", "tableofcontents", "figure", "glue:figure", "glue"):
            return []
        if kind in ("solution-start", "solution-end", "solution"):
            return []
        if kind == "table":                      # a Markdown table with its caption
            return [f"*{arg}*", "", *body] if arg else body
        if kind == "admonition":
            title = arg or "Note"
        elif kind in ("definition", "theorem", "lemma", "proof", "remark", "example",
                      "property", "corollary", "proposition", "algorithm", "exercise"):
            title = kind.capitalize() + (f": {arg}" if arg else "")
        else:
            title = kind.capitalize()
        return [f"**{title}**", "", *body]

    def markdown(self, source: str) -> str:
        lines = LABEL_LINE.sub("", source).splitlines()
        out, i = [], 0
        while i < len(lines):
            m = FENCE_OPEN.match(lines[i])
            if not m:
                out.append(lines[i])
                i += 1
                continue
            fence, body, i = m.group("fence"), [], i + 1
            while i < len(lines) and lines[i].strip() != fence:
                body.append(lines[i])
                i += 1
            i += 1  # the closing fence
            out.extend(self.directive(m.group("name"), m.group("arg").strip(),
                                      self.markdown("\n".join(body)).splitlines()))
        text = ROLE.sub(self.role, "\n".join(out))
        return text.strip()


# --- choosing the cells --------------------------------------------------------------------

def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _slide_type(cell) -> str | None:
    for tag in _tags(cell):
        if tag in TAG_TO_TYPE:
            return TAG_TO_TYPE[tag]
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def is_tagged(nb) -> bool:
    return any(_slide_type(c) not in (None, "skip") for c in nb.cells)


def _directive_name(cell) -> str | None:
    m = FENCE_OPEN.match(cell.source.lstrip().split("\n", 1)[0]) if cell.source else None
    return m.group("name").split(":")[-1] if m else None


def _figure_only(cell):
    """A copy of a code cell keeping only its image outputs (the figures), or None."""
    outs = [o for o in cell.get("outputs", []) if o.get("output_type") == "display_data"
            and any(k.startswith("image/") for k in o.get("data", {}))]
    if not outs:
        return None
    new = copy.deepcopy(cell)
    new.outputs = outs
    return new


def _set(cell, slide_type: str, hide_input: bool = False):
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    if hide_input:
        cell.metadata.setdefault("tags", []).append(HIDE_INPUT)
    return cell


def select_tagged(nb, plain: Plainer) -> list:
    cells = []
    for cell in nb.cells:
        kind = _slide_type(cell)
        # speaker notes are tagged `remove-cell` too, so that the book does not show them
        if kind in (None, "skip") or ("remove-cell" in _tags(cell) and kind != "notes"):
            continue
        new = copy.deepcopy(cell)
        if kind == "notes":
            new.metadata["tags"] = [t for t in _tags(new) if t != "remove-cell"]
        if new.cell_type == "markdown":
            new.source = plain.markdown(new.source)
        else:  # glue records are data for the book, not something to show
            new.outputs = [o for o in new.get("outputs", [])
                           if not any(k.startswith("application/papermill.record/")
                                      for k in o.get("data", {}))]
        cells.append(_set(new, kind, hide_input=new.cell_type == "code"
                          and "slide-code" not in _tags(cell)))
    return cells


def segments(source: str) -> list[tuple[str, str]]:
    """Split MyST Markdown into ("solution-start"|"solution-end"|"text", text) pieces.

    A heading outside a directive starts a new text piece, so that a cell holding several
    sections gives one piece per section.
    """
    pieces: list[tuple[str, str]] = []
    current: list[str] = []
    fence = None

    def flush():
        if "\n".join(current).strip():
            pieces.append(("text", "\n".join(current)))
        current.clear()

    lines = source.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if fence is None:
            m = FENCE_OPEN.match(line)
            name = m.group("name").split(":")[-1] if m else None
            if name in ("solution-start", "solution-end"):
                flush()
                i += 1
                while i < len(lines) and lines[i].strip() != m.group("fence"):
                    i += 1
                pieces.append((name, ""))
                i += 1
                continue
            if m:
                fence = m.group("fence")
            elif HEADING.match(line):
                flush()
        elif line.strip() == fence:
            fence = None
        current.append(line)
        i += 1
    flush()
    return pieces


def select_fallback(nb, plain: Plainer) -> list:
    """A deck from the notebook's structure: headings, prose, figures, exercises."""
    cells, in_solution = [], False
    for cell in nb.cells:
        if "remove-cell" in _tags(cell) or cell.cell_type == "raw":
            continue
        if cell.cell_type == "code":
            fig = None if in_solution else _figure_only(cell)
            if fig is not None:
                cells.append(_set(fig, "slide", hide_input=True))
            continue
        for kind, text in segments(cell.source):
            if kind != "text":
                in_solution = kind == "solution-start"
                continue
            if in_solution:
                continue
            source = plain.markdown(text)
            if not source:
                continue
            h = HEADING.match(source.split("\n", 1)[0])
            if not cells or (h and len(h.group(1)) <= 2):
                slide_type = "slide"
            elif h:
                slide_type = "subslide"
            elif cells[-1].cell_type == "code":  # prose after a figure: a new slide
                slide_type = "slide"
            else:
                slide_type = "-"
            cells.append(_set(nbformat.v4.new_markdown_cell(source), slide_type))
    return cells


# --- long prose: several slides ------------------------------------------------------------

#: What one slide holds, in estimated text lines of the deck's type (about 20 px, some 100
#: characters a line at 1280 px). A longer markdown cell is split into several slides at
#: paragraph, list-item, table or equation boundaries; the deck's fit script shrinks what
#: still overflows (figures first), and the slide test measures every slide.
SLIDE_LINES = 26
CHARS_PER_LINE = 100
LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+")


def markdown_blocks(text: str) -> list[tuple[str, str]]:
    """Split plain Markdown into ``(kind, text)`` blocks: heading, para, item, table, math,
    code. Fences and ``$$`` blocks stay whole."""
    blocks: list[tuple[str, list[str]]] = []
    closing = None  # the line that ends the current fence or maths block
    for line in text.splitlines():
        if closing is not None:
            blocks[-1][1].append(line)
            if line.strip().startswith(closing):
                closing = None
            continue
        stripped = line.strip()
        if not stripped:
            blocks.append(("blank", []))
            continue
        if stripped.startswith(("```", "~~~")):
            blocks.append(("code", [line]))
            closing = stripped[:3]
        elif stripped.startswith("$$"):
            blocks.append(("math", [line]))
            if not (len(stripped) > 2 and stripped.endswith("$$")):
                closing = "$$"
        elif HEADING.match(stripped):
            blocks.append(("heading", [line]))
        elif stripped.startswith("|"):
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(line)
            else:
                blocks.append(("table", [line]))
        elif LIST_ITEM.match(line):
            blocks.append(("item", [line]))
        elif blocks and blocks[-1][0] in ("para", "item"):
            blocks[-1][1].append(line)  # a paragraph or list item continues
        else:
            blocks.append(("para", [line]))
    return [(kind, "\n".join(lines)) for kind, lines in blocks if kind != "blank"]


def estimated_lines(kind: str, text: str) -> float:
    """Roughly how many lines of slide type a block takes, spacing included."""
    lines = text.splitlines()
    wrapped = sum(max(1, -(-len(line.strip()) // CHARS_PER_LINE)) for line in lines)
    if kind == "heading":
        return 2.0
    if kind == "table":
        columns = max(1, lines[0].count("|") - 1)
        cell = max(8, CHARS_PER_LINE // columns)
        rows = [max([1] + [-(-len(c.strip()) // cell) for c in line.strip("|").split("|")])
                for line in lines if not re.match(r"^\|[\s:|-]+\|?$", line.strip())]
        return 1.0 + 1.3 * sum(rows)
    if kind == "math":
        return 1.0 + 1.2 * max(1, len(lines) - 2)
    if kind == "code":
        return 1.0 + 0.8 * len(lines)
    return wrapped + (0.3 if kind == "item" else 0.7)


def split_markdown(text: str, budget: float = SLIDE_LINES) -> list[str]:
    """Cut a long markdown cell into pieces that each fit a slide (a heading that opens the
    cell is repeated, marked "(continued)"). A short cell comes back whole."""
    blocks = markdown_blocks(text)
    if sum(estimated_lines(k, t) for k, t in blocks) <= budget:
        return [text]
    heading = blocks[0][1] if blocks and blocks[0][0] == "heading" else None
    pieces: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for kind, block in blocks:
        need = estimated_lines(kind, block)
        content = [b for b in pieces[-1] if b[0] != "heading"]
        if content and used + need > budget:
            pieces.append([])
            used = 0.0
            if heading:
                h = HEADING.match(heading.strip())
                pieces[-1].append(("heading", f"{h.group(1)} {h.group(2)} (continued)"))
                used = 2.0
        pieces[-1].append((kind, block))
        used += need

    def join(piece):
        out = ""
        for i, (kind, block) in enumerate(piece):
            if i:
                out += "\n" if kind == "item" and piece[i - 1][0] == "item" else "\n\n"
            out += block
        return out
    return [join(p) for p in pieces if p]


def split_long_cells(cells: list) -> list:
    """Split each long markdown slide cell into several slides (see ``split_markdown``)."""
    out = []
    for cell in cells:
        kind = cell.metadata["slideshow"]["slide_type"]
        if cell.cell_type != "markdown" or kind == "notes":
            out.append(cell)
            continue
        pieces = split_markdown(cell.source)
        cell.source = pieces[0]
        out.append(cell)
        for piece in pieces[1:]:
            new = nbformat.v4.new_markdown_cell(piece)
            out.append(_set(new, "subslide" if kind == "subslide" else "slide"))
    return out


def deck_title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in LABEL_LINE.sub("", cell.source).splitlines():
                h = HEADING.match(line)
                if h:
                    return ROLE.sub(lambda m: m.group("body"), h.group(2)).strip()
    return "Slides"


# --- slides that teach: sessions, your-turn slides, bullets, notes ----------------------------

GUIDE = ROOT / "trainers_guide.md"
#: Minutes per exercise when the trainer's guide gives none for an exercise or its session.
DEFAULT_EXERCISE_MINUTES = 10
#: A bullet made from a paragraph: its first sentence, cut at about this many characters.
BULLET_CHARS = 140
SESSION = re.compile(r"^## Session (\d+)\s*$", re.M)
FIELD = re.compile(r"^\*\*(?P<name>[\w ]+)\.\*\*\s*(?P<text>.*?)(?=^\s*$|^\*\*|\Z)", re.M | re.S)
EXERCISE_BLOCK = re.compile(r"^(?P<fence>`{3,}|:{3,})\{exercise\}[ \t]*(?P<title>.*?)\n"
                            r"(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S)
EXERCISE_MINUTES = re.compile(r"Exercise (\d+)\.(\d+)\D{0,80}?(\d+)\s*min", re.S)
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z$(*`])")


def guide_sessions(path: Path = GUIDE) -> dict[str, dict]:
    """The trainer's guide's sessions, by chapter file stem: number, duration line, minutes of
    exercises (when the duration gives them), what it achieves, what to run live (its
    italic section names), discussion questions, and per-exercise minutes when given."""
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    marks = list(SESSION.finditer(text))
    sessions = {}
    for i, m in enumerate(marks):
        body = text[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(text)]
        body = body.split("\n## ", 1)[0]
        fields = {f.group("name").strip(): " ".join(f.group("text").split())
                  for f in FIELD.finditer(body)}
        chapter = re.search(r"chapters/(\w+)", fields.get("Chapter", ""))
        if not chapter:
            continue
        duration = fields.get("Duration", "")
        minutes = re.search(r"(\d+) of exercises", duration)
        questions = re.findall(r"^- (.+?)(?=^- |^\s*$|\Z)",
                               body.split("**Discussion questions.**", 1)[-1].split("**", 1)[0],
                               re.M | re.S) if "**Discussion questions.**" in body else []
        sessions[chapter.group(1)] = {
            "number": int(m.group(1)), "duration": duration,
            "exercise_minutes": int(minutes.group(1)) if minutes else None,
            "achieves": fields.get("Achieves", ""),
            "run_live": re.findall(r"\*([^*]+)\*", fields.get("Run live", "")),
            "questions": [" ".join(q.split()) for q in questions],
            "per_exercise": {(int(a), int(b)): int(c)
                             for a, b, c in EXERCISE_MINUTES.findall(body)},
        }
    return sessions


def _shorten(text: str, limit: int = BULLET_CHARS) -> str:
    """The first sentence of ``text``, cut at a word near ``limit`` characters."""
    first = SENTENCE.split(" ".join(text.split()), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    if cut.count("$") % 2:  # never cut inside maths
        cut = cut[:cut.rindex("$")].rstrip()
    return cut + " ..."


def bullets(markdown: str) -> str:
    """Paragraphs become bullets (each its first sentence, shortened); headings, lists,
    tables, maths and code stay as they are."""
    out = []
    for kind, block in markdown_blocks(markdown):
        if kind == "para" and not block.lstrip().startswith(("**", "<", "!")):
            out.append(f"- {_shorten(block)}")
        else:
            out.append(block)
    return "\n\n".join(out)


def note_from(markdown: str, limit: int = 4) -> str:
    """Speaker notes from prose: the first sentence of each paragraph, as bullets."""
    points = [_shorten(b, 220) for k, b in markdown_blocks(markdown) if k in ("para", "item")]
    points = [p.lstrip("-*+ ").strip() for p in points if p.strip()]
    return "\n".join(f"- {p}" for p in points[:limit])


def _notes(text: str):
    return _set(nbformat.v4.new_markdown_cell(text), "notes")


def session_slides(session: dict | None, title: str, chapter: int) -> list:
    """A title slide and an agenda slide from the trainer's guide's session."""
    if not session:
        return []
    head = [f"# Session {session['number']}", "", f"## {title}", "",
            f"Chapter {chapter} · {session['duration'].split(':')[0].split(';')[0]}"]
    cells = [_set(nbformat.v4.new_markdown_cell("\n".join(head)), "slide"),
             _notes(f"- Goal: {session['achieves']}" if session["achieves"]
                    else "- Welcome; the goal of this session.")]
    agenda = ["## Agenda", ""]
    if session["duration"]:
        agenda.append(f"- {session['duration']}")
    agenda += [f"- Run live: *{item}*" for item in session["run_live"][:6]]
    agenda.append("- Your turn: the exercises")
    if session["questions"]:
        agenda.append("- Discussion")
    cells.append(_set(nbformat.v4.new_markdown_cell("\n".join(agenda)), "slide"))
    cells.append(_notes("\n".join(f"- {q}" for q in session["questions"][:3])
                        or "- The plan of the session."))
    return cells


def your_turn_slides(nb, plain: Plainer, session: dict | None, chapter: int) -> list:
    """One "Your turn" slide per exercise: its number, title, minutes and text; the notes say
    where the minutes come from."""
    found = [m for c in nb.cells if c.cell_type == "markdown"
             for m in EXERCISE_BLOCK.finditer(c.source)]
    if not found:
        return []
    session = session or {}
    share = session.get("exercise_minutes")
    cells = []
    for k, m in enumerate(found, start=1):
        minutes = session.get("per_exercise", {}).get((chapter, k))
        if minutes:
            source = "the trainer's guide"
        elif share:
            minutes = max(5, round(share / len(found)))
            source = f"the session's {share} minutes of exercises, shared"
        else:
            minutes = DEFAULT_EXERCISE_MINUTES
            source = f"the default of {DEFAULT_EXERCISE_MINUTES} minutes an exercise"
        body = "\n".join(l for l in m.group("body").splitlines() if not re.match(r"^:[\w-]+:", l))
        text = [f"## Your turn: Exercise {chapter}.{k}", "",
                f"**{plain.markdown(m.group('title').strip())}** · {minutes} minutes", "",
                plain.markdown(body)]
        cells.append(_set(nbformat.v4.new_markdown_cell("\n".join(text)), "slide"))
        cells.append(_notes(f"- {minutes} minutes ({source}); in pairs, in the student "
                            "notebook.\n- Debrief with the solution in the book (trainer's "
                            "edition of the PDF: the answer key)."))
    return cells


def teach(cells: list, nb, plain: Plainer) -> list:
    """Bullets instead of paragraphs, and notes on every slide: a slide without a `notes`
    cell gets notes from its own prose (the paragraphs' first sentences) or, for a figure or
    table, from the prose of its section in the chapter."""
    section_prose: dict[str, str] = {}
    heading = ""
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "remove-cell" in _tags(cell):
            continue
        for line in cell.source.splitlines():
            h = HEADING.match(line)
            if h:
                heading = h.group(2).strip()
        section_prose[heading] = section_prose.get(heading, "") + "\n\n" + cell.source
    out, current, has_notes, prose, heading = [], None, True, "", ""

    def close():
        if current is not None and not has_notes:
            text = note_from(prose) or note_from(plain.markdown(section_prose.get(heading, "")))
            out.append(_notes(text or f"- {heading or 'the slide'}"))

    for cell in cells:
        kind = cell.metadata["slideshow"]["slide_type"]
        if kind in ("slide", "subslide"):
            close()
            current, has_notes, prose = cell, False, ""
        if kind == "notes":
            has_notes = True
        elif cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                h = HEADING.match(line)
                if h:
                    heading = h.group(2).replace("(continued)", "").strip()
            if cell.metadata.get("slide-text"):
                cell.source = cell.metadata["slide-text"]
            else:
                prose += "\n\n" + cell.source
                cell.source = bullets(cell.source)
        out.append(cell)
    close()
    return out


# --- export --------------------------------------------------------------------------------

def copy_assets(out: Path) -> None:
    for src, name in ((REVEAL_DIR, "reveal.js"), (MATHJAX_DIR, "mathjax")):
        if not src.is_dir():
            sys.exit(f"make_slides: {src} is missing: run `make assets` (fetches MathJax and "
                     "reveal.js from the npm registry once)")
        shutil.rmtree(out / name, ignore_errors=True)
        shutil.copytree(src, out / name)


def exporter() -> SlidesExporter:
    exp = SlidesExporter(template_name="vrp-reveal", extra_template_basedirs=[str(TEMPLATES)],
                         exclude_input_prompt=True, exclude_output_prompt=True)
    exp.reveal_url_prefix = "reveal.js"
    exp.reveal_theme = "white"
    exp.reveal_transition = "none"
    exp.reveal_number = "c/t"
    exp.reveal_width, exp.reveal_height = str(SLIDE_WIDTH), str(SLIDE_HEIGHT)
    tags = TagRemovePreprocessor(remove_input_tags={HIDE_INPUT, "remove-input", "hide-input"},
                                 remove_all_outputs_tags={"remove-output"},
                                 remove_cell_tags={"remove-cell"})
    exp.register_preprocessor(tags, enabled=True)
    return exp


EXTERNAL = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"(?:https?:)?//", re.I)


def make_deck(path: Path, out: Path, plain_for, exp: SlidesExporter,
              sessions: dict | None = None, nb=None) -> tuple[Path, str, int]:
    """Write the deck of the chapter at ``path`` (``nb``: that chapter already executed, e.g. by
    :func:`redraw_for_projector`; default: its stored outputs)."""
    nb = copy.deepcopy(nb) if nb is not None else nbformat.read(path, as_version=4)
    plain = plain_for(nb)
    mode = "tagged cells" if is_tagged(nb) else "chapter structure (no slide tags yet)"
    cells = select_tagged(nb, plain) if is_tagged(nb) else select_fallback(nb, plain)
    cells = teach(split_long_cells(cells), nb, plain)
    chapter = int(path.stem[:2]) if path.stem[:2].isdigit() else 0
    session = (sessions or {}).get(path.stem)
    cells = (session_slides(session, deck_title(nb), chapter) + cells
             + your_turn_slides(nb, plain, session, chapter))
    deck = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(nb.metadata))
    deck.metadata["title"] = deck_title(nb)
    for i, cell in enumerate(deck.cells):
        cell.id = f"slide-cell-{i}"
    html, _ = exp.from_notebook_node(deck, resources={"metadata": {"name": path.stem}})
    bad = EXTERNAL.findall(html)
    if bad:
        sys.exit(f"make_slides: {path.name}: the deck would load from the network: {bad[:3]}")
    target = out / f"{path.stem}.slides.html"
    target.write_text(html, encoding="utf-8")
    n_slides = sum(1 for c in cells if c.metadata["slideshow"]["slide_type"] in
                   ("slide", "subslide"))
    return target, mode, n_slides


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "slides")
    parser.add_argument("--stored-figures", action="store_true",
                        help="use the chapters' stored figures instead of redrawing them at projector size")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    copy_assets(args.out)
    cites = citation_labels(ROOT / "references.bib")
    titles = section_titles(args.notebooks)
    exp = exporter()
    sessions = guide_sessions()
    for path in args.notebooks:
        nb = None if args.stored_figures else redraw_for_projector(path)
        target, mode, n = make_deck(path, args.out,
                                    lambda nb: Plainer(glue_values(nb), cites, titles), exp,
                                    sessions, nb)
        print(f"{target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target}"
              f": {n} slides, from {mode}; figures "
              f"{'as stored' if args.stored_figures else 'redrawn at projector size'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
