"""The whole book as one PDF, printed by headless Chromium.

Usage (``make pdf``)::

    python tools/make_pdf.py --out _build/pdf/vrp-book.pdf

1. Builds the book with Sphinx's single-page builder (``jupyter-book build --builder
   singlehtml``) from the notebooks' stored outputs, without executing them: those outputs are
   the ones nbval checks against a fresh run (``make test-notebooks``), so nothing is computed
   twice. The build goes to ``_build/pdf/work`` and uses a copy of ``_config.yml`` with
   execution off.
2. Opens that page from disk in headless Chromium (Debian's ``chromium``, or
   ``VRP_CHROMIUM``; see :func:`find_chromium`), with every request outside the build's
   folder blocked: MathJax and the images come from the build. It waits for the images and for MathJax to typeset.
3. Lays the book out for paper: a cover; a contents page; each chapter starts on a new page;
   the solutions of each chapter's exercises are moved, open, to the end of that chapter
   ("Solutions to the exercises of chapter N"); the build's execution table and the API
   reference are left out (:data:`LEFT_OUT`).
   The print stylesheet ``_static/print.css`` (also used when a reader prints any page from
   the browser) hides the navigation and the toggles and wraps long code lines.
4. Checks that no code box is wider than its printed width (a cut line), then prints A4 pages
   with page numbers and PDF bookmarks (Playwright's ``page.pdf``) to ``--out``, and writes a
   short report next to it (``vrp-book.json``: pages, size, time).

The module is also a tiny Sphinx extension, loaded only by that single-page build: Sphinx
looks up node visitors by builder name, and several extensions register theirs for ``html``
only, which the ``singlehtml`` builder then lacks.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TOOLS = Path(__file__).resolve().parent

#: Where Chromium or Chrome usually lives, after ``VRP_CHROMIUM`` and the names on PATH.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                  "chrome")
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/lib/chromium/chromium",
                  "/Applications/Chromium.app/Contents/MacOS/Chromium",
                  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
#: Pages left out of the PDF: the build's execution table (about the build, not the subject)
#: and the API reference generated from the library's docstrings (about 80 pages of lookup
#: material; it stays in the HTML book).
LEFT_OUT = ("execution_status", "api")

FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555;">'
          '<span class="title"></span> &#8212; <span class="pageNumber"></span> / '
          '<span class="totalPages"></span></div>')

# --- Sphinx extension (single-page build only) ----------------------------------------------


def _copy_html_visitors(app) -> None:
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node, visitors in handlers.get("html", {}).items():
        single.setdefault(node, visitors)


def setup(app) -> dict:
    app.connect("builder-inited", _copy_html_visitors)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}


# --- the single-page build ----------------------------------------------------------------


def pdf_config(work: Path) -> Path:
    """A copy of ``_config.yml`` for the single-page build: execution off, this extension."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    sphinx = config.setdefault("sphinx", {})
    local = {name: str((ROOT / path).resolve())
             for name, path in (sphinx.get("local_extensions") or {}).items()}
    local["make_pdf"] = str(TOOLS)
    sphinx["local_extensions"] = local
    # sphinx-jupyterbook-latex only knows the html and latex builders.
    config["latex"] = {**(config.get("latex") or {}), "use_jupyterbook_latex": False}
    work.mkdir(parents=True, exist_ok=True)
    path = work / "_config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def build_single_page(work: Path) -> Path:
    """Build the single-page HTML book into ``work``; return its page."""
    config = pdf_config(work)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", "--all", "--builder", "singlehtml",
               "--config", str(config), "--path-output", str(work), str(ROOT)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    page = work / "_build" / "singlehtml" / "intro.html"
    if result.returncode != 0 or not page.is_file():
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"make_pdf: the single-page build failed ({' '.join(command)})")
    return page


# --- the browser ---------------------------------------------------------------------------


def find_chromium() -> str:
    """Chromium or Chrome: ``VRP_CHROMIUM``, a known name on PATH, or a usual install path."""
    explicit = os.environ.get("VRP_CHROMIUM")
    if explicit:
        if not Path(explicit).is_file():
            raise SystemExit(f"make_pdf: VRP_CHROMIUM={explicit} is not a file")
        return explicit
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for path in CHROMIUM_PATHS:
        if Path(path).is_file():
            return path
    raise SystemExit("make_pdf: no Chromium or Chrome found. Install one (Debian/Ubuntu: "
                     "`apt-get install chromium`; macOS: Google Chrome or Chromium in "
                     "/Applications) or set VRP_CHROMIUM to its executable.")


WAIT_JS = """
async () => {
  const timeout = ms => new Promise(r => setTimeout(r, ms));
  for (const img of document.images) img.loading = 'eager';
  await Promise.race([timeout(30000), Promise.all([...document.images].map(img =>
    img.complete ? null : new Promise(r => {
      img.addEventListener('load', r); img.addEventListener('error', r); })))]);
  if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
    await Promise.race([timeout(60000), window.MathJax.startup.promise]);
  }
  await document.fonts.ready;
  return {
    images: document.images.length,
    broken: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))
        .map(i => i.getAttribute('src')),
    maths: document.querySelectorAll('.math').length,
    typeset: document.querySelectorAll('mjx-container').length,
    mathErrors: document.querySelectorAll('mjx-merror').length,
  };
}
"""

# Lays the single page out as a book. Arguments: title, subtitle, author, date line.
LAYOUT_JS = r"""
([title, subtitle, author, dateline, leftOut]) => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const el = (tag, attrs = {}, text = '') => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text) e.textContent = text;
    return e;
  };
  const style = el('style');
  style.textContent = `
    .vrp-cover { height: 240mm; display: flex; flex-direction: column;
      justify-content: center; break-after: page; }
    .vrp-cover h1 { font-size: 30pt; margin: 0 0 8mm 0; border: none; }
    .vrp-cover .vrp-subtitle { font-size: 14pt; font-style: italic; margin-bottom: 30mm; }
    .vrp-cover p { font-size: 11pt; margin: 1mm 0; }
    .vrp-contents { break-after: page; }
    .vrp-contents h2 { font-size: 18pt; }
    .vrp-contents ol, .vrp-contents ul { list-style: none; padding-left: 0; }
    .vrp-contents li { display: flex; align-items: baseline; }
    .vrp-contents .vrp-leader { flex: 1; border-bottom: 1px dotted #aaa; margin: 0 2mm; }
    .vrp-contents .vrp-page { min-width: 8mm; text-align: right; }
    .vrp-contents li.vrp-doc-entry { margin-top: 3mm; font-weight: 600; }
    .vrp-contents li.vrp-sec-entry { margin-left: 8mm; font-weight: normal; font-size: 9.5pt; }
    .vrp-doc { break-before: page; }
    .vrp-solutions { break-before: page; }
    .vrp-solutions .solution { break-inside: auto; }
    .vrp-pdf-intro-title { display: none; }
  `;
  document.head.appendChild(style);

  // The documents of the book: each is a <span id="document-..."> and the <section> after it.
  const docs = [];
  for (const span of document.querySelectorAll('span[id^="document-"]')) {
    const section = span.nextElementSibling;
    if (!section || section.tagName !== 'SECTION') continue;
    const name = span.id.slice('document-'.length);
    if (leftOut.includes(name)) { span.remove(); section.remove(); continue; }
    section.classList.add('vrp-doc');
    docs.push({name, section});
  }

  // Solutions: moved, open, to the end of their chapter.
  let moved = 0;
  for (const {name, section} of docs) {
    const solutions = [...section.querySelectorAll('div.solution')];
    if (!solutions.length) continue;
    const heading = section.querySelector(':scope > h1, :scope > h2, :scope > h3');
    const number = heading && heading.querySelector('.section-number');
    const chapter = number ? number.textContent.trim().replace(/\.$/, '') : '';
    const box = el('section', {class: 'vrp-solutions', id: 'vrp-solutions-' + name.replace(/\W/g, '-')});
    box.appendChild(el('h4', {}, `Solutions to the exercises of chapter ${chapter}`.trim()));
    for (const sol of solutions) {
      sol.classList.remove('dropdown', 'toggle', 'toggle-hidden');
      sol.querySelectorAll('button.toggle-button').forEach(b => b.remove());
      sol.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
      box.appendChild(sol);
      moved += 1;
    }
    section.appendChild(box);
  }
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('button.toggle-button').forEach(b => b.remove());
  document.querySelectorAll('details').forEach(d => { d.open = true; });

  // Contents: every document, and the sections of the chapters.
  const contents = el('nav', {class: 'vrp-contents'});
  contents.appendChild(el('h2', {}, 'Contents'));
  const list = el('ul');
  let tocIds = 0;
  for (const {section} of docs) {
    const heading = section.querySelector(':scope > h1, :scope > h2, :scope > h3');
    if (!heading) continue;
    // Each entry: the title, a dotted leader, and its page (filled in after a first print).
    // Section ids repeat across the pages of a single-page build ("motivation" in every
    // chapter), so each entry points at its heading, given an id of its own.
    const entry = (cls, heading, text) => {
      if (!heading.id) heading.id = 'vrp-toc-' + (++tocIds);
      const id = heading.id;
      const li = el('li', {class: cls});
      li.appendChild(el('a', {href: '#' + id}, text));
      li.appendChild(el('span', {class: 'vrp-leader'}));
      li.appendChild(el('span', {class: 'vrp-page', 'data-target': id}));
      return li;
    };
    list.appendChild(entry('vrp-doc-entry', heading,
                           heading.textContent.replace('#', '').trim()));
    for (const sub of section.querySelectorAll(':scope > section')) {
      const h = sub.querySelector(':scope > h4, :scope > h3');
      if (!h) continue;
      list.appendChild(entry('vrp-sec-entry', h, h.textContent.replace('#', '').trim()));
    }
  }
  contents.appendChild(list);

  // Cover.
  const cover = el('section', {class: 'vrp-cover'});
  cover.appendChild(el('h1', {}, title));
  if (subtitle) cover.appendChild(el('p', {class: 'vrp-subtitle'}, subtitle));
  cover.appendChild(el('p', {}, author));
  cover.appendChild(el('p', {}, dateline));
  article.prepend(contents);
  article.prepend(cover);
  // The intro's own table of contents lists the pages of the HTML book: the new contents
  // replaces it.
  document.querySelectorAll('.toctree-wrapper > ul, .toctree-wrapper > p.caption')
      .forEach(e => e.remove());
  return {documents: docs.map(d => d.name), solutions: moved};
}
"""

# Code boxes whose content is wider than the box as printed: a cut line.
OVERFLOW_JS = """
() => [...document.querySelectorAll('pre')]
  .filter(p => p.offsetParent !== null && p.scrollWidth > p.clientWidth + 1)
  .map(p => p.textContent.split('\\n').sort((a, b) => b.length - a.length)[0].slice(0, 100))
"""


def _git_date() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%cs %h"],
                             capture_output=True, text=True, check=True).stdout.split()
        return f"Built from commit {out[1]} of {out[0]}"
    except (subprocess.CalledProcessError, FileNotFoundError, IndexError):
        return "Built from a working copy"


def _subtitle() -> str:
    for line in (ROOT / "intro.md").read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"\*([^*].*[^*])\*", line.strip())
        if m:
            return m.group(1)
    return ""


PAGE_NUMBERS_JS = """
(pages) => {
  let n = 0;
  for (const span of document.querySelectorAll('.vrp-contents .vrp-page')) {
    const page = pages[span.dataset.target];
    if (page) { span.textContent = String(page); n += 1; }
  }
  return n;
}
"""


def destination_pages(pdf: Path) -> dict[str, int]:
    """``id -> page`` of the named destinations of a PDF printed by Chromium (poppler's
    ``pdfinfo -dests``); empty when poppler-utils is not installed."""
    if not shutil.which("pdfinfo"):
        print("make_pdf: pdfinfo (poppler-utils) not found: the contents get no page numbers",
              file=sys.stderr)
        return {}
    out = subprocess.run(["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True,
                         check=False).stdout
    pages = {}
    for m in re.finditer(r'^\s*(\d+)\s+\[.*?\]\s+"(.+)"\s*$', out, re.M):
        pages.setdefault(m.group(2), int(m.group(1)))
    return pages


def page_count(pdf: Path) -> int:
    """Pages of a PDF: ``pdfinfo`` when poppler-utils is installed, else the page objects."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        m = re.search(r"^Pages:\s+(\d+)", out.stdout, re.M)
        if m:
            return int(m.group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def print_pdf(page_file: Path, out: Path) -> dict:
    """Print the single-page build to ``out``; return what was measured."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - environment problem
        raise SystemExit("make_pdf: the Python package playwright is missing "
                         "(`make` installs it from requirements.txt)") from exc
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    chromium = find_chromium()
    blocked: list[str] = []
    url = page_file.parent.as_uri() + "/"
    with tempfile.TemporaryDirectory(prefix="vrp-pdf-chromium-") as profile, \
            sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1100, "height": 1400}, service_workers="block")

        def route(route_, request):
            if request.url.startswith(url):
                route_.continue_()
            else:
                blocked.append(request.url)
                route_.abort()

        context.route("**/*", route)
        context.set_default_timeout(120_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url + page_file.name, wait_until="load")
        loaded = page.evaluate(WAIT_JS)
        if loaded["broken"]:
            raise SystemExit(f"make_pdf: images did not load: {loaded['broken'][:5]}")
        if loaded["maths"] and (not loaded["typeset"] or loaded["mathErrors"]):
            raise SystemExit(f"make_pdf: MathJax did not typeset the maths ({loaded})")
        layout = page.evaluate(LAYOUT_JS, [config.get("title", "The book"), _subtitle(),
                                           config.get("author", ""), _git_date(),
                                           list(LEFT_OUT)])
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 720, "height": 1000})  # about A4's text width
        cut = page.evaluate(OVERFLOW_JS)
        if cut:
            raise SystemExit("make_pdf: code lines wider than their printed box (cut at the "
                             "margin):\n" + "\n".join(cut[:10]))
        out.parent.mkdir(parents=True, exist_ok=True)

        def print_to_pdf():
            page.pdf(path=str(out), prefer_css_page_size=True, print_background=True,
                     display_header_footer=True, header_template="<span></span>",
                     footer_template=FOOTER, outline=True, tagged=True)

        print_to_pdf()
        # The contents' page numbers: where the first print put each heading (the PDF's
        # named destinations), written in, then printed again (same layout: the number
        # fills a box of fixed width).
        pages = destination_pages(out)
        numbered = page.evaluate(PAGE_NUMBERS_JS, pages) if pages else 0
        if numbered:
            print_to_pdf()
        context.close()
    if blocked:
        raise SystemExit(f"make_pdf: the page asked for files outside the build: {blocked[:5]}")
    if errors:  # the browser test checks the pages' scripts; here they only lay out the page
        print(f"make_pdf: warning: JavaScript errors on the single page: {errors[:5]}",
              file=sys.stderr)
    return {**loaded, **layout, "contents_numbered": numbered}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "vrp-book.pdf")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder of the single-page build (default: <out folder>/work)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    work = (args.work or out.parent / "work").resolve()
    start = time.perf_counter()
    if work.exists():
        shutil.rmtree(work)
    page_file = build_single_page(work)
    built = time.perf_counter()
    measured = print_pdf(page_file, out)
    report = {
        "pdf": out.name, "pages": page_count(out), "bytes": out.stat().st_size,
        "documents": measured["documents"], "solutions_moved": measured["solutions"],
        "contents_entries_numbered": measured["contents_numbered"],
        "images": measured["images"], "maths_typeset": measured["typeset"],
        "seconds_build": round(built - start, 1),
        "seconds_print": round(time.perf_counter() - built, 1),
    }
    out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{out}: {report['pages']} pages, {report['bytes'] / 1e6:.1f} MB, "
          f"{len(report['documents'])} documents, {report['solutions_moved']} solutions, "
          f"built in {report['seconds_build']} s, printed in {report['seconds_print']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
