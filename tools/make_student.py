"""Student notebooks: each chapter without its solutions and hidden check cells.

Usage (``make student``)::

    python tools/make_student.py --out _build/student chapters/*.ipynb

For each chapter notebook (read with its stored outputs, which are those of one clean run and
are checked by nbval), writes ``<out>/<chapter>.ipynb`` in which:

- cells tagged ``remove-cell`` that only check the chapter's claims and the solutions'
  answers (``assert``) or record numbers for the text (``glue``) are removed; a hidden cell
  that defines something later cells or the exercises' solutions use (imports, a helper, a
  table) stays, marked
  "Set-up (hidden in the book)", without its asserts and glue calls (:func:`prune_hidden`);
- speaker notes (cells tagged ``notes``, for the trainer's slides) are removed;
- every solution is removed: the text and code cells between ``{solution-start}`` and
  ``{solution-end}``, and any ``{solution}`` block; the exercises stay;
- glued values are written into the prose as plain text, taken from the stored glue outputs:
  ``{glue:text}`key:spec``` (formatted as myst-nb does), ``{glue:}`key``` and ``{glue}`key```
  (the value's text), ``{glue:md}`` and ``{glue:math}``; a ``{glue:figure}`` becomes a
  Markdown image (a cell attachment) with its caption;
- the rest of the MyST markup that Jupyter does not render (admonitions, definitions,
  exercises, ``{term}``, ``{ref}``, ``{cite}``) becomes plain Markdown, with the converter
  of the slide decks (``tools/make_slides.py``);
- every exercise keeps its number as the HTML book shows it ("Exercise 4.1: Wider spreads":
  chapter N, M-th exercise of the chapter) and is followed by an answer cell: the starting
  skeleton recorded for it in ``vrp_lib/answers.json`` and ``check("N.M", answer)``
  (:mod:`vrp_lib.exercises`: right, close or wrong, with a hint); an exercise that shares a
  Markdown cell with the next is split from it;
- cross-references read "chapter N", "chapter N, section N.M", "Exercise N.M" and
  "figure N.k" (:func:`cross_references`), not the bare titles of the targets;
- no build plumbing is left: ``from myst_nb import glue`` and the ``glue(...)`` calls go
  (:func:`strip_plumbing`), the code around them still runs;
- outputs are cleared and execution counts reset, so that trainees run the cells themselves.

The notebooks import ``vrp_lib``, which reads its data from the repository's ``data/``: run
them in the book's environment (``make lab`` opens JupyterLab on ``_build/student``).
The Sphinx extension ``tools/vrp_student.py`` calls :func:`student_notebook` to offer each
chapter's student notebook for download on its page.
"""

from __future__ import annotations

import argparse
import ast
import base64
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

import nbformat
from myst_nb.core.variables import format_plain_text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_slides import FENCE_OPEN, HEADING, LABEL_LINE, Plainer, citation_labels  # noqa: E402
from make_slides import section_titles  # noqa: E402,F401  (callers pass its titles)

sys.path.pop(0)

#: A fenced directive: opening fence, name, argument, body, the same closing fence.
DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[^}\s]+)\}[ \t]*(?P<arg>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=fence)[ \t]*$\n?", re.M | re.S)
SOLUTION_START = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution-start\}[^\n]*\n.*?^(?P=fence)"
                            r"[ \t]*$\n?", re.M | re.S)
SOLUTION_END = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution-end\}[^\n]*\n.*?^(?P=fence)"
                          r"[ \t]*$\n?", re.M | re.S)
GLUE_ROLE = re.compile(r"\{glue(?::(?P<kind>[a-z]*))?\}`(?P<body>[^`]*)`")
REMOVE_TAGS = {"remove-cell"}
LABEL_OPTION = re.compile(r"^:label:\s*(\S+)", re.M)
NAME_OPTION = re.compile(r"^:name:\s*(\S+)", re.M)
ANSWERS = ROOT / "vrp_lib" / "answers.json"
SOLUTION_MARK = "vrp-solution-code"


class StudentError(ValueError):
    """A chapter that cannot be turned into a student notebook (unknown glue key, an
    unclosed solution)."""


def _is_plumbing(node: ast.stmt) -> bool:
    """An import of myst_nb or of ``glue`` alone, a ``glue(...)`` call, a ``glue`` wrapper
    (chapter 6 rounds floats before gluing), or a block made only of them."""
    if isinstance(node, ast.ImportFrom):  # myst_nb, or glue alone from anywhere (vrp_lib.tables)
        return ((node.module or "").split(".")[0] == "myst_nb"
                or all(a.name == "glue" for a in node.names))
    if isinstance(node, ast.Import):
        return all(a.name.split(".")[0] == "myst_nb" for a in node.names)
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        return isinstance(node.value.func, ast.Name) and node.value.func.id == "glue"
    if isinstance(node, ast.FunctionDef):
        return node.name == "glue"
    if isinstance(node, (ast.For, ast.While, ast.If, ast.With)):
        return not getattr(node, "orelse", []) and all(_is_plumbing(n) for n in node.body)
    return False


def strip_plumbing(code: str) -> str:
    """``code`` without its myst_nb import, ``glue`` wrapper and ``glue(...)`` calls (and loops
    that only glue).

    A block left empty by the removal gets a ``pass``; code that is not Python (a cell magic)
    is returned as it is.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    lines = code.splitlines()
    drop: set[int] = set()
    passes: dict[int, str] = {}

    def visit(body: list[ast.stmt], top: bool) -> None:
        removed = [n for n in body if _is_plumbing(n)]
        for node in removed:
            drop.update(range(node.lineno, node.end_lineno + 1))
        if removed and len(removed) == len(body) and not top:
            first = removed[0]
            passes[first.lineno] = lines[first.lineno - 1][:first.col_offset] + "pass"
        for node in body:
            if node in removed:
                continue
            for field in ("body", "orelse", "finalbody"):
                if isinstance(getattr(node, field, None), list):
                    visit(getattr(node, field), False)
            for handler in getattr(node, "handlers", []):
                visit(handler.body, False)

    visit(tree.body, True)
    if not drop:
        return code
    kept = [passes.get(i, line) for i, line in enumerate(lines, 1) if i not in drop or i in passes]
    return "\n".join(kept).strip("\n")


def glue_outputs(nb) -> dict[str, dict]:
    """``key -> {mime type: value}`` of every glue output stored in the notebook."""
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            scrap = out.get("metadata", {}).get("scrapbook", {})
            if not scrap.get("name"):
                continue
            prefix = scrap.get("mime_prefix", "")
            found[scrap["name"]] = {mime[len(prefix):] if mime.startswith(prefix) else mime: v
                                    for mime, v in out.get("data", {}).items()}
    return found


def glue_cache(path: Path) -> dict[str, dict]:
    """Glued values of an executed notebook of a Jupyter Book build, which keeps them in
    ``<name>.glue.json`` next to the notebook (and removes them from its outputs)."""
    cache = Path(path).with_suffix(".glue.json")
    if not cache.is_file():
        return {}
    outputs = json.loads(cache.read_text(encoding="utf-8"))
    return glue_outputs(nbformat.from_dict({"cells": [{"outputs": list(outputs.values())}]}))


def _value(glue: dict[str, dict], key: str, where: str) -> dict:
    if key not in glue:
        raise StudentError(f"{where}: glue key {key!r} has no stored glue output "
                           "(re-execute the chapter)")
    return glue[key]


def render_glue(source: str, glue: dict[str, dict], where: str) -> tuple[str, dict]:
    """Replace glue roles and ``{glue:figure}`` directives by their values.

    Returns the new Markdown and the attachments (figures) it refers to.
    """
    attachments: dict[str, dict] = {}

    def figure(m: re.Match) -> str:
        if m.group("name") not in ("glue:figure", "glue"):
            return m.group(0)
        key = m.group("arg").strip()
        data = _value(glue, key, where)
        lines = [ln for ln in m.group("body").splitlines() if not re.match(r"^:[\w-]+:", ln)]
        caption = " ".join(ln.strip() for ln in lines if ln.strip())
        for mime in ("image/png", "image/jpeg", "image/svg+xml"):
            if mime in data:
                name = f"{key}.{mime.split('/')[1].split('+')[0]}"
                attachments[name] = {mime: data[mime]}
                alt = caption or key
                return f"![{alt}](attachment:{name})\n\n{caption}\n".rstrip() + "\n"
        text = format_plain_text(data.get("text/plain", ""), "")
        return f"{text}\n\n{caption}\n" if caption else f"{text}\n"

    def role(m: re.Match) -> str:
        kind, body = m.group("kind") or "", m.group("body")
        key, spec = (body.rsplit(":", 1) + [""])[:2] if kind == "text" else (body, "")
        data = _value(glue, key, where)
        if kind == "md":
            return str(data.get("text/markdown", data.get("text/plain", "")))
        if kind == "math":
            latex = str(data.get("text/latex", data.get("text/plain", ""))).strip().strip("$")
            return f"$${latex}$$"
        if "text/plain" not in data:
            raise StudentError(f"{where}: glue key {key!r} has no text value")
        return format_plain_text(data["text/plain"], spec or ("s" if kind == "text" else ""))

    text = DIRECTIVE.sub(figure, source)
    return GLUE_ROLE.sub(role, text), attachments


def strip_solutions(nb, where: str, mark_code: bool = False) -> list:
    """The cells of ``nb`` without solutions and hidden cells (in order, copied).

    With ``mark_code``, the solutions' visible code cells stay, marked ``SOLUTION_MARK`` in
    their metadata, so that :func:`prune_hidden` keeps the set-up they need (an exercise may
    use the chapter's hidden results); :func:`student_notebook` removes them afterwards.
    """
    kept, in_solution = [], False
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_TAGS and cell.cell_type != "code":
            continue
        if cell.cell_type != "markdown":
            if not in_solution:
                kept.append(cell)
            elif mark_code and cell.cell_type == "code" and not tags & REMOVE_TAGS:
                cell.metadata[SOLUTION_MARK] = True
                kept.append(cell)
            continue
        text, pieces, pos = cell.source, [], 0
        while True:
            pattern = SOLUTION_END if in_solution else SOLUTION_START
            m = pattern.search(text, pos)
            if m is None:
                if not in_solution:
                    pieces.append(text[pos:])
                break
            if not in_solution:
                pieces.append(text[pos:m.start()])
            in_solution, pos = not in_solution, m.end()
        source = DIRECTIVE.sub(lambda m: "" if m.group("name") == "solution" else m.group(0),
                               "".join(pieces))
        if source.strip():
            if source != cell.source:
                cell.source = source.strip()
            kept.append(cell)
    if in_solution:
        raise StudentError(f"{where}: a {{solution-start}} without its {{solution-end}}")
    return kept


def _is_hidden(cell) -> bool:
    return bool(set(cell.get("metadata", {}).get("tags", [])) & REMOVE_TAGS)


def _names(code: str) -> tuple[set[str], set[str]] | None:
    """Names a cell defines (or changes in place) and names it reads; None if not Python."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    defines, reads = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (defines if isinstance(node.ctx, (ast.Store, ast.Del)) else reads).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defines.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defines |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:  # df["x"] = ... and obj.attr = ... change df and obj
                defines |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func  # lst.append(x), df.drop(..., inplace=True)
            while isinstance(func, ast.Attribute):
                func = func.value
            if isinstance(func, ast.Name) and isinstance(node.value.func, ast.Attribute):
                defines.add(func.id)
    return defines, reads


def _without_checks(code: str) -> str:
    """A hidden cell without its top-level ``assert`` statements and ``glue(...)`` calls."""
    tree = ast.parse(code)
    drop = set()
    for node in tree.body:
        glue_call = (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                     and isinstance(node.value.func, ast.Name) and node.value.func.id == "glue")
        if isinstance(node, ast.Assert) or glue_call:
            drop |= set(range(node.lineno, node.end_lineno + 1))
    lines = [ln for i, ln in enumerate(code.splitlines(), 1) if i not in drop]
    return "\n".join(lines).strip()


def prune_hidden(cells: list) -> list:
    """Drop the hidden (``remove-cell``) code cells that later cells do not need.

    A hidden cell only checks claims (``assert``) or records numbers for the text (``glue``):
    it goes. A hidden cell that defines something a later cell uses (imports, a helper, a
    table) stays, as set-up, without its asserts and glue calls and without the tag. Walks
    the cells from the last to the first, so that a set-up cell needed only by another
    needed set-up cell stays too.
    """
    needed: set[str] = set()
    kept = []
    for cell in reversed(cells):
        if cell.cell_type != "code":
            kept.append(cell)
            continue
        names = _names(cell.source)
        if not _is_hidden(cell):
            if names:
                needed |= names[1]
            kept.append(cell)
            continue
        if names is None or not names[0] & needed:
            continue
        source = _without_checks(cell.source)
        if not source:
            continue
        cell.source = "# Set-up (hidden in the book)\n" + source
        cell.metadata["tags"] = [t for t in cell.metadata.get("tags", [])
                                 if t not in REMOVE_TAGS]
        needed |= _names(source)[1]
        kept.append(cell)
    return kept[::-1]


def chapter_number(path: Path) -> int:
    """The chapter's number, as the book numbers it: the file name's leading digits."""
    m = re.match(r"(\d+)_", Path(path).name)
    if not m:
        raise StudentError(f"{Path(path).name}: a chapter file name starts with its number (04_...)")
    return int(m.group(1))


def exercise_list(nb) -> list[tuple[str, str]]:
    """``(label, title)`` of the notebook's exercises, in the order the book numbers them."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown" or _is_hidden(cell):
            continue
        for m in DIRECTIVE.finditer(cell.source):
            if m.group("name") == "exercise":
                label = LABEL_OPTION.search(m.group("body"))
                found.append((label.group(1) if label else "", m.group("arg").strip()))
    return found


def _fenced_lines(source: str):
    """The lines of a Markdown cell outside fenced blocks other than directives' own bodies
    (headings inside code fences are not headings)."""
    fence = None
    for line in source.splitlines():
        m = FENCE_OPEN.match(line) or re.match(r"^(?P<fence>`{3,}|~{3,})", line)
        if fence is None and m and not FENCE_OPEN.match(line):
            fence = m.group("fence")
            continue
        if fence is not None:
            if line.strip() == fence:
                fence = None
            continue
        yield line


@lru_cache(maxsize=8)
def _references(paths: tuple[Path, ...]) -> dict[str, str]:
    refs: dict[str, str] = {}
    for path in paths:
        number = chapter_number(path)
        nb = nbformat.read(path, as_version=4)
        counters, figures, pending = [0, 0], 0, []
        for k, (label, _) in enumerate(exercise_list(nb), start=1):
            if label:
                refs[label] = f"Exercise {number}.{k}"
        for cell in nb.cells:
            if _is_hidden(cell):
                continue
            if cell.cell_type == "code":
                name = cell.metadata.get("mystnb", {}).get("figure", {}).get("name")
                if name:  # Sphinx numbers the figures that have an id (a name)
                    figures += 1
                    refs[name] = f"figure {number}.{figures}"
                continue
            if cell.cell_type != "markdown":
                continue
            for m in DIRECTIVE.finditer(cell.source):
                name = NAME_OPTION.search(m.group("body"))
                if m.group("name") in ("figure", "glue:figure") and name:
                    figures += 1
                    refs[name.group(1)] = f"figure {number}.{figures}"
            for line in _fenced_lines(cell.source):
                label, heading = LABEL_LINE.match(line), HEADING.match(line)
                if label:
                    pending.append(label.group(1))
                elif heading:
                    depth = len(heading.group(1))
                    if depth == 1:
                        text = f"chapter {number}"
                    else:
                        if depth == 2:
                            counters = [counters[0] + 1, 0]
                        else:
                            counters[1] += 1
                        parts = counters[:1] if depth == 2 else counters
                        text = f"chapter {number}, section {number}." + ".".join(map(str, parts))
                    refs.update({p: text for p in pending})
                    pending = []
                elif line.strip():
                    pending = []
    return refs


def cross_references(paths) -> dict[str, str]:
    """``label -> text`` of the targets of the chapters' cross-references, numbered as the
    HTML book numbers them: "chapter 2", "chapter 2, section 2.3" (or 2.3.1 for a
    subsection), "Exercise 2.4", "figure 2.1" (named figures counted in the chapter's order,
    as Sphinx numbers them)."""
    return dict(_references(tuple(sorted(Path(p) for p in paths))))


def _answers() -> dict:
    if not ANSWERS.is_file():
        return {}
    return json.loads(ANSWERS.read_text(encoding="utf-8"))["exercises"]


def answer_cell(exercise_id: str, answers: dict | None = None):
    """The answer cell of an exercise: its skeleton from ``vrp_lib/answers.json`` and the
    check call."""
    answers = _answers() if answers is None else answers
    if exercise_id not in answers:
        raise StudentError(f"exercise {exercise_id} has no entry in vrp_lib/answers.json "
                           "(python tools/make_answers.py --sync adds it)")
    skeleton = answers[exercise_id].get("skeleton") or ["answer = ..."]
    lines = [f"# Exercise {exercise_id}: your answer (replace each ... and run the cell)",
             "from vrp_lib.exercises import check", "", *skeleton,
             f'check("{exercise_id}", answer)']
    return nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["answer"]})


def number_exercises(cells: list, number: int, answers: dict | None = None) -> list:
    """Exercises as "**Exercise N.M: title**" with their text, each followed by its answer
    cell (a Markdown cell holding more than an exercise is split after each)."""
    out, k = [], 0
    for cell in cells:
        if cell.cell_type != "markdown" or "{exercise}" not in cell.source:
            out.append(cell)
            continue
        pos = 0
        for m in DIRECTIVE.finditer(cell.source):
            if m.group("name") != "exercise":
                continue
            k += 1
            body = "\n".join(ln for ln in m.group("body").splitlines()
                             if not re.match(r"^:[\w-]+:", ln))
            head = f"**Exercise {number}.{k}: {m.group('arg').strip()}**\n\n{body.strip()}\n"
            piece = (cell.source[pos:m.start()] + head).strip()
            out.append(nbformat.v4.new_markdown_cell(piece, metadata=dict(cell.metadata)))
            out.append(answer_cell(f"{number}.{k}", answers))
            pos = m.end()
        rest = cell.source[pos:].strip()
        if rest:
            out.append(nbformat.v4.new_markdown_cell(rest, metadata=dict(cell.metadata)))
    return out


def student_notebook(path: Path, cites=None, titles=None, answers=None):
    """The student version of the chapter notebook at ``path`` (a new notebook object).

    Glued values come from the notebook's stored glue outputs, and from the build's glue
    cache (``<name>.glue.json``) when ``path`` is an executed notebook of a book build.
    Cross-references read as :func:`cross_references` numbers them (``titles``, label ->
    text, adds to or replaces those). ``answers`` (exercise id -> entry) replaces
    ``vrp_lib/answers.json`` for the answer cells.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    glue = {**glue_cache(path), **glue_outputs(nb)}
    refs = cross_references(sorted((ROOT / "chapters").glob("*.ipynb")))
    plain = Plainer({}, citation_labels(ROOT / "references.bib") if cites is None else cites,
                    {**(titles or {}), **refs})
    number = chapter_number(path)
    cells = []
    kept = [c for c in prune_hidden(strip_solutions(nb, path.name, mark_code=True))
            if not c.metadata.get(SOLUTION_MARK)]
    for cell in number_exercises(kept, number, answers):
        if "notes" in cell.metadata.get("tags", []):
            continue  # speaker notes are for the trainer's slides
        if cell.cell_type == "markdown":
            source, attachments = render_glue(cell.source, glue, path.name)
            cell.source = plain.markdown(source)
            if attachments:
                cell.attachments = {**cell.get("attachments", {}),
                                    **{k: {m: v if isinstance(v, str) else
                                           base64.b64encode(v).decode()
                                           for m, v in d.items()}
                                       for k, d in attachments.items()}}
        elif cell.cell_type == "code":
            source = strip_plumbing(cell.source)
            if source != cell.source:
                if not source.strip() or source.strip() == "# Set-up (hidden in the book)":
                    continue
                cell.source = source
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    nbformat.validate(nb)
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    cites = citation_labels(ROOT / "references.bib")
    titles = cross_references(args.notebooks)
    for path in args.notebooks:
        nb = student_notebook(path, cites, titles)
        target = args.out / path.name
        nbformat.write(nb, target)
        print(f"{target}: {len(nb.cells)} cells")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
