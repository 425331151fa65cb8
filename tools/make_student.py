"""Student notebooks: each chapter without its solutions and hidden check cells.

Usage (``make student``)::

    python tools/make_student.py --out _build/student chapters/*.ipynb

For each chapter notebook (read with its stored outputs, which are those of one clean run and
are checked by nbval), writes ``<out>/<chapter>.ipynb`` in which:

- cells tagged ``remove-cell`` that only check the chapter's claims and the solutions'
  answers (``assert``) or record numbers for the text (``glue``) are removed; a hidden cell
  that defines something later cells use (imports, a helper, a table) stays, marked
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
from pathlib import Path

import nbformat
from myst_nb.core.variables import format_plain_text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_slides import Plainer, citation_labels, section_titles  # noqa: E402

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


class StudentError(ValueError):
    """A chapter that cannot be turned into a student notebook (unknown glue key, an
    unclosed solution)."""


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


def strip_solutions(nb, where: str) -> list:
    """The cells of ``nb`` without solutions and hidden cells (in order, copied)."""
    kept, in_solution = [], False
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_TAGS and cell.cell_type != "code":
            continue
        if cell.cell_type != "markdown":
            if not in_solution:
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


def student_notebook(path: Path, cites=None, titles=None):
    """The student version of the chapter notebook at ``path`` (a new notebook object).

    Glued values come from the notebook's stored glue outputs, and from the build's glue
    cache (``<name>.glue.json``) when ``path`` is an executed notebook of a book build.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    glue = {**glue_cache(path), **glue_outputs(nb)}
    plain = Plainer({}, citation_labels(ROOT / "references.bib") if cites is None else cites,
                    section_titles(sorted((ROOT / "chapters").glob("*.ipynb")))
                    if titles is None else titles)
    cells = []
    for cell in prune_hidden(strip_solutions(nb, path.name)):
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
    titles = section_titles(args.notebooks)
    for path in args.notebooks:
        nb = student_notebook(path, cites, titles)
        target = args.out / path.name
        nbformat.write(nb, target)
        print(f"{target}: {len(nb.cells)} cells")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
