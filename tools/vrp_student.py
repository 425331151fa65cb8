"""Sphinx extension: the student notebook of each chapter, and the PDF, from the HTML book.

Loaded by ``_config.yml`` (``sphinx: local_extensions: {vrp_student: tools}``).

1. On each chapter page (documents under ``chapters/`` that are notebooks), a line under the
   title offers the chapter's **student notebook** for download: the notebook without its
   solutions and hidden check cells, glued numbers written into the text
   (``tools/make_student.py``). The notebooks are written into ``<html>/student/`` when the
   build finishes, from the executed notebooks of the build (``jupyter_execute``), or from the
   stored outputs when the build did not execute.
2. The role ``{vrp-pdf}`text``` links the PDF of the book (``make pdf`` writes
   ``_build/pdf/vrp-book.pdf``). When that file exists at build time, the role is a link to
   ``vrp-book.pdf`` and the file is copied to the root of the HTML build; when it does not, the
   role is its text followed by "(the PDF is built by ``make pdf``)", true whether or not the
   reader has run it, so that no page links a missing file. ``make test`` builds the PDF before the HTML book. In the single-page build
   that the PDF is printed from, the role says "(this document)".
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "_build" / "pdf" / "vrp-book.pdf"
PDF_NAME = "vrp-book.pdf"
STUDENT_DIR = "student"


def _is_html(app: Sphinx) -> bool:
    return app.builder.name in ("html", "dirhtml")


def _chapter_source(app: Sphinx, docname: str) -> Path | None:
    if not docname.startswith("chapters/"):
        return None
    path = Path(app.srcdir, docname + ".ipynb")
    return path if path.is_file() else None


def pdf_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{vrp-pdf}`text```: a link to the book's PDF, or its text when there is no PDF."""
    env = inliner.document.settings.env
    app = env.app
    if app.builder.name == "singlehtml":
        return [nodes.Text(f"{text} (this document)")], []
    if PDF.is_file() and _is_html(app):
        depth = env.docname.count("/")
        ref = nodes.reference(rawtext, text, refuri="../" * depth + PDF_NAME,
                              classes=["vrp-pdf-download"])
        return [ref], []
    return [nodes.Text(text), nodes.Text(" (the PDF is built by "),
            nodes.literal("make pdf", "make pdf"), nodes.Text(")")], []


def add_student_link(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Under a chapter's title, a download link to its student notebook."""
    if not _is_html(app) or _chapter_source(app, docname) is None:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    depth = docname.count("/")
    href = "../" * depth + f"{STUDENT_DIR}/{Path(docname).name}.ipynb"
    html = (f'<p class="vrp-student-download">Student notebook of this chapter (the exercises '
            f'without their solutions): <a href="{href}" download>'
            f'{Path(docname).name}.ipynb</a>. Run it in the book\'s environment: see '
            f'<a href="{"../" * depth}how_to_run.html">How to run this book</a>.</p>')
    index = 1 if section.children and isinstance(section[0], nodes.title) else 0
    section.insert(index, nodes.raw("", html, format="html"))


def write_outputs(app: Sphinx, exception: Exception | None) -> None:
    """Write the student notebooks and copy the PDF into the HTML build."""
    if exception is not None or not _is_html(app):
        return
    import nbformat

    import make_student  # tools/ is on sys.path: Jupyter Book loads this extension from there

    out = Path(app.outdir)
    executed = out.parent / "jupyter_execute"
    chapters = [d for d in sorted(app.env.found_docs) if _chapter_source(app, d)]
    target_dir = out / STUDENT_DIR
    target_dir.mkdir(parents=True, exist_ok=True)
    for docname in chapters:
        source = executed / (docname + ".ipynb")
        if not source.is_file():
            source = _chapter_source(app, docname)
        try:
            nb = make_student.student_notebook(source)
        except make_student.StudentError as exc:  # a warning: -W makes it an error
            logger.warning("[vrp_student] no student notebook for %s: %s", docname, exc)
            continue
        nbformat.write(nb, target_dir / (Path(docname).name + ".ipynb"))
    if PDF.is_file():
        shutil.copy2(PDF, out / PDF_NAME)
    written = len(list(target_dir.glob("*.ipynb")))
    logger.info("[vrp_student] %d student notebooks in %s%s", written, target_dir,
                f"; {PDF_NAME} copied" if PDF.is_file() else "")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_role("vrp-pdf", pdf_role)
    app.connect("doctree-resolved", add_student_link)
    app.connect("build-finished", write_outputs)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
