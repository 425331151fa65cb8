"""Sphinx extension: a built book that reads offline, on a phone or a laptop, without console
errors or accessibility faults.

Loaded by ``_config.yml`` (``sphinx: local_extensions: {vrp_offline: tools}``). It does
small things that Jupyter Book 1 does not do by itself:

1. Removes duplicate ``<script>``/``<link>`` assets from every page. In a Jupyter Book 1
   build, sphinx-thebe's and sphinx-togglebutton's inline scripts end up registered twice, so
   each page declared ``const THEBE_JS_URL`` twice and the browser logged
   ``Identifier 'THEBE_JS_URL' has already been declared``.
2. Checks, when the build starts, that the local MathJax named by ``mathjax_path`` exists in an
   ``html_extra_path`` folder (it is fetched at set-up by ``make assets``, never from a CDN at
   read time); a missing copy is a build warning, so ``-W`` fails instead of a book whose maths
   silently stays raw.
3. Makes a click anywhere on a dropdown's title open it (``static/vrp-toggle-titles.js``):
   a click on the exercise link inside a solution's title otherwise raised
   ``button is not defined`` in sphinx-togglebutton and left the solution closed.
4. Adds a footer note on every page saying what the launch buttons need (internet, and the
   repository named in ``_config.yml``), so an offline reader is not misled when Binder or
   Colab cannot be reached.
5. Makes the navigation work at phone and laptop widths. sphinx-book-theme 1.3.0 (which
   requires pydata-sphinx-theme 0.17.1 exactly: the pinned pair matches) still renders the
   pydata top bar: empty but for a second search box, with a hidden menu button first in the
   page, to which both themes' scripts bound the menu, so the visible menu and contents
   buttons did nothing on a phone and the sidebar did not fold at laptop width.
   ``templates/layout.html`` drops that top bar; ``static/vrp-nav.js`` lets the contents
   button fold the contents column at laptop width too and keeps ``aria-expanded`` on both
   buttons; ``static/vrp-nav.css`` makes wide maths, tables and outputs scroll inside their
   own box instead of pushing the page sideways.
6. Fixes what the axe-core audit of the browser test found in the theme:
   ``static/vrp-a11y.css`` (link contrast), ``static/vrp-a11y.js`` (scrollable boxes
   reachable by keyboard, button names that contain their visible text) and, in the page
   body, the bibliography's entries get the ``listitem`` role their ``role="list"`` parent
   requires (docutils gave them the deprecated ``doc-biblioentry``).
7. Numbers the tables of each numbered chapter, as Sphinx numbers its figures: the HTML tables
   of the notebooks' outputs (``vrp_lib.tables.styled`` gives each a ``<caption>``) are raw
   HTML to Sphinx, so :class:`NumberOutputTables` finds each ``<table>`` of a chapter's raw
   HTML outputs and starts its caption with ``Table N.M`` (N the chapter's number, M counting
   from 1 in page order), in the ``caption-number`` span a figure's ``Fig. N.M`` uses; a
   number written by hand at the start of a caption ("Table 4.2. ...") is replaced by it. A
   table without a caption gets one that holds only its number; Markdown tables are counted
   in the same sequence. Tables inside an exercise's
   solution are not numbered (the participants' PDF leaves the solutions out, and would show
   gaps). It runs in the single-page build the PDF is printed from too, where each chapter's
   part of the page is found by its ``start_of_file`` node.
8. Phone and dark-mode reading: ``_static/vrp-figures.js`` makes each chapter figure a link
   to its full-size image (tap to open, then zoom; keyboard: Tab and Enter) and
   ``_static/vrp-tables.css`` gives the styled tables and their captions the theme's colours
   in light and dark mode (Jupyter Book loads every file in ``_static/`` on every page).
9. Search excerpts without raw TeX: ``_static/vrp-search.js`` removes ``$...$``, ``\\(...\\)``
   and ``$$...$$`` from the page text that Sphinx's search shows under each result.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Marker of the placeholder repository address in ``_config.yml``.
PLACEHOLDER_MARKER = "YOUR-GITHUB-ACCOUNT"


def _asset_key(asset: Any) -> tuple:
    # An inline script may be registered with filename None or '': the same tag either way.
    attributes = getattr(asset, "attributes", {}) or {}
    return (
        str(getattr(asset, "filename", asset) or ""),
        repr(getattr(asset, "priority", None)),
        tuple(sorted((str(k), repr(v)) for k, v in attributes.items())),
    )


def _dedupe(assets: list) -> list:
    seen: set = set()
    kept = []
    for asset in assets:
        key = _asset_key(asset)
        if key not in seen:
            seen.add(key)
            kept.append(asset)
    return kept


def dedupe_page_assets(app: Sphinx, pagename: str, templatename: str,
                       context: dict, doctree: Any) -> None:
    """Keep the first of identical script and stylesheet declarations on a page."""
    for name in ("script_files", "css_files"):
        if isinstance(context.get(name), list):
            context[name][:] = _dedupe(context[name])


def fix_bibliography_roles(app: Sphinx, pagename: str, templatename: str,
                           context: dict, doctree: Any) -> None:
    """A ``role="list"`` citation list holds ``listitem`` entries (WAI-ARIA; axe-core)."""
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


#: An HTML table's opening tag and the caption that may follow it.
TABLE_START = re.compile(r"(<table\b[^>]*>)(\s*<caption\b[^>]*>)?", re.I)
#: A number written by hand at the start of a caption ("Table 4.2. "): replaced by the count.
HAND_NUMBER = re.compile(r"\s*Table\s+\d+(\.\d+)*\.?\s+")


def number_tables(html: str, chapter: str, start: int) -> tuple[str, int]:
    """Number the tables of one piece of HTML ``Table <chapter>.<k>``, k from ``start`` + 1.

    Returns the new HTML and the last number used. A caption keeps its text after the number
    (less a number written there by hand); a table without a caption gets one holding the
    number only.
    """
    count = start
    pieces = []
    position = 0
    for match in TABLE_START.finditer(html):
        count += 1
        number = f'<span class="caption-number">Table {chapter}.{count} </span>'
        pieces.append(html[position:match.start()])
        position = match.end()
        if match.group(2):
            pieces.append(match.group(1) + match.group(2) + number)
            hand = HAND_NUMBER.match(html, position)
            position = hand.end() if hand else position
        else:
            pieces.append(f"{match.group(1)}<caption>{number}</caption>")
    return "".join(pieces) + html[position:], count


def _is_solution(node: nodes.Node) -> bool:
    return type(node).__name__ == "solution_node" or "solution" in node.get("classes", [])


def _tables(node: nodes.Element, docname: str, in_solution: bool = False):
    """(table or raw node, its document, inside a solution?) in page order. Walked from the top,
    since a single-page build moves each document's nodes under a ``start_of_file`` node
    without updating their ``parent``."""
    for child in node.children:
        if not isinstance(child, nodes.Element):
            continue
        if isinstance(child, (nodes.table, nodes.raw)):
            yield child, docname, in_solution
            continue
        if isinstance(child, addnodes.start_of_file):
            yield from _tables(child, child["docname"], in_solution)
        else:
            yield from _tables(child, docname, in_solution or _is_solution(child))


def chapter_number(env: Any, docname: str) -> str | None:
    """``"4"`` for a document whose title the numbered table of contents numbers 4; else None."""
    numbers = env.toc_secnumbers.get(docname) or {}
    if not numbers:
        return None
    top = numbers.get("") or min(numbers.values(), key=len)
    return ".".join(str(n) for n in top)


class NumberOutputTables(SphinxPostTransform):
    """``Table N.M`` at the start of each chapter table's caption (see the module docstring).

    The raw HTML tables of the outputs and the document's own (Markdown) tables are counted
    together in page order. Sphinx numbers a Markdown table from its title by itself (numfig);
    its number is set here to the shared count, and an untitled one gets an empty title, so that
    it shows its number too.
    """

    default_priority = 900
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        counts: dict[str, int] = {}
        for node, docname, in_solution in list(_tables(self.document, self.env.docname)):
            if isinstance(node, nodes.raw) and (
                    "html" not in node.get("format", "").split() or "<table" not in node.astext()):
                continue
            chapter = chapter_number(self.env, docname)
            if chapter is None or in_solution:
                continue
            if isinstance(node, nodes.raw):
                html, counts[docname] = number_tables(node.astext(), chapter,
                                                      counts.get(docname, 0))
                node.replace(node[0], nodes.Text(html))
                continue
            counts[docname] = counts.get(docname, 0) + 1
            if not any(isinstance(child, nodes.title) for child in node.children):
                node.insert(0, nodes.title("", ""))
            if not node["ids"]:
                self.document.set_id(node)
            numbers = self.env.toc_fignumbers.setdefault(docname, {}).setdefault("table", {})
            numbers[node["ids"][0]] = (*map(int, chapter.split(".")), counts[docname])


def check_local_mathjax(app: Sphinx) -> None:
    """Warn when the local MathJax that ``mathjax_path`` points at is missing."""
    path = app.config.mathjax_path
    if not path or "://" in path or path.startswith("//"):
        logger.warning("[vrp_offline] mathjax_path %r is not a local file: the book would "
                       "load MathJax from the network", path)
        return
    # Sphinx resolves a relative mathjax_path against _static/ in the output folder; the
    # files of each html_extra_path folder land at the output's root.
    in_output = os.path.normpath(os.path.join("_static", path))
    candidates = [Path(app.confdir, extra, in_output) for extra in app.config.html_extra_path]
    if not any(c.is_file() for c in candidates):
        logger.warning("[vrp_offline] local MathJax not found (%s): run `make assets` "
                       "(fetches MathJax from the npm registry into _extra/mathjax)",
                       ", ".join(str(c) for c in candidates) or "no html_extra_path")


def add_launch_note(app: Sphinx, config: Any) -> None:
    """Append to the page footer what the launch buttons need."""
    options = config.html_theme_options
    launch = options.get("launch_buttons") or {}
    services = [name for key, name in (("binderhub_url", "Binder"), ("colab_url", "Colab"),
                                       ("jupyterhub_url", "JupyterHub"),
                                       ("deepnote_url", "Deepnote")) if launch.get(key)]
    if not services:
        return
    repo = options.get("repository_url", "")
    note = (f"The launch buttons ({', '.join(services)}) open this book's notebooks from "
            f"the repository <code>{repo}</code> and need an internet connection. "
            "Offline, use the download button to get a chapter's notebook and run it "
            "in the book's environment (see the README, which also says what Colab needs).")
    if PLACEHOLDER_MARKER in repo:
        note += (" The repository address is a placeholder until the book is published: "
                 "the launch buttons do not work yet.")
    footer = options.get("extra_footer", "") or ""
    options["extra_footer"] = f"{footer}<p class=\"vrp-launch-note\">{note}</p>"


def add_static_files(app: Sphinx) -> None:
    """Serve tools/static/ as part of _static/ and load the title-toggle fix on every page."""
    app.config.html_static_path.append(str(Path(__file__).parent / "static"))


def add_templates(app: Sphinx, config: Any) -> None:
    """Put tools/templates/ first on the template path (its layout.html drops the top bar)."""
    config.templates_path = [str(Path(__file__).parent / "templates"),
                             *list(config.templates_path or [])]


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_static_files)
    app.connect("config-inited", add_templates)
    app.add_js_file("vrp-toggle-titles.js")
    app.add_js_file("vrp-nav.js")
    app.add_css_file("vrp-nav.css")
    app.add_js_file("vrp-a11y.js")
    app.add_css_file("vrp-a11y.css")
    app.add_post_transform(NumberOutputTables)
    app.connect("config-inited", add_launch_note)
    app.connect("builder-inited", check_local_mathjax)
    # Early priority: html-page-context stops at the first handler that returns a template
    # name, so a late handler may never run. The duplicates are there from the start.
    app.connect("html-page-context", dedupe_page_assets, priority=100)
    app.connect("html-page-context", fix_bibliography_roles, priority=100)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
