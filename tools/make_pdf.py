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
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
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
#: material; it stays in the HTML book), and the claims page, which lists what the chapters
#: recorded while a book build executed them (the PDF prints stored outputs, no execution).
LEFT_OUT = ("execution_status", "api", "claims")

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


# --- the answer key (trainer's edition) -----------------------------------------------------

#: The documents of the trainer's edition only: the participants' edition leaves them out, as
#: it leaves out every solution and the answer key.
TRAINER_DOCS = ("trainers_guide",)
EDITIONS = {
    "trainer": "Trainer's edition: with the solutions, the answer key and the trainer's guide",
    "participants": "Participants' edition: the exercises without their solutions",
}
EXERCISE = re.compile(r"^(`{3,}|:{3,})\{exercise\}[ \t]*(?P<title>.*)$", re.M)
LABEL = re.compile(r"^:label:\s*(\S+)", re.M)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z$(*`])")


def numbered_chapters() -> list[Path]:
    """The notebooks of the book's numbered part, in order (chapter 1, 2, ...)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc.get("parts", []) if part.get("numbered")
             for c in part.get("chapters", [])]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").is_file()]


def _sentences(text: str, at_least: int, start: int = 0) -> tuple[str, int]:
    """Whole sentences of ``text`` from sentence ``start`` on, until they hold ``at_least``
    characters; and the index of the next sentence."""
    found = SENTENCE_END.split(" ".join(text.split()))
    out, i = [], start
    while i < len(found) and len(" ".join(out)) < at_least:
        out.append(found[i])
        i += 1
    return " ".join(out), i


def _cell_text(cell) -> str:
    """What a code cell printed: its streams and results (``text/plain``), not its figures."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "execute_result":
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(p.rstrip() for p in parts if p.strip())


def exercises(path: Path, number: int) -> list[dict]:
    """The exercises of one chapter with their solutions: number ("Exercise 4.1"), title,
    label, the solution's printed results, its code and its prose (MyST made plain)."""
    sys.path.insert(0, str(TOOLS))
    try:
        import make_slides
        import make_student
    finally:
        sys.path.pop(0)
    nb = nbformat.read(path, as_version=4)
    # cross-references read as the book numbers them ("chapter 2, section 2.3", "Exercise 2.4"),
    # as in the student notebooks, not as the targets' bare titles
    refs = {**make_slides.section_titles(numbered_chapters()),
            **make_student.cross_references(numbered_chapters())}
    plain = make_slides.Plainer(make_slides.glue_values(nb),
                                make_slides.citation_labels(ROOT / "references.bib"), refs)
    found: list[dict] = []
    in_solution = False
    for cell in nb.cells:
        if cell.cell_type == "code":
            tags = cell.get("metadata", {}).get("tags", [])
            if in_solution and found and "remove-cell" not in tags:
                found[-1]["results"].append(_cell_text(cell))
                found[-1]["code"].append(cell.source)
            continue
        if cell.cell_type != "markdown":
            continue
        for kind, text in make_slides.segments(cell.source):
            if kind != "text":
                in_solution = kind == "solution-start"
                continue
            if in_solution and found:
                found[-1]["prose"].append(plain.markdown(text))
                continue
            for m in EXERCISE.finditer(text):
                label = LABEL.search(text[m.end():])
                found.append({"number": f"Exercise {number}.{len(found) + 1}",
                              "title": plain.markdown(m.group("title").strip()),
                              "label": label.group(1) if label else "",
                              "results": [], "code": [], "prose": []})
    return found


def answer_key_entries() -> list[dict]:
    """Per exercise of the book: its number and title, the expected result (what the
    solution's code printed, from the stored outputs; for a solution without code, its first
    sentences) and an explanation (the solution's next sentences; for a solution without
    prose, its code without the printing, marked as such)."""
    entries = []
    for number, path in enumerate(numbered_chapters(), start=1):
        for ex in exercises(path, number):
            results = "\n".join(r for r in ex["results"] if r)
            prose = " ".join(p for p in ex["prose"] if p)
            expected, used = ("", 0) if results else _sentences(prose, 60)
            why, _ = _sentences(prose, 120, used)
            how = "\n".join(line for c in ex["code"] for line in c.splitlines()
                            if line.strip() and not line.lstrip().startswith(("print(", "f\"")))
            entries.append({**ex, "chapter": number, "notebook": path.name,
                            "expected": results or expected, "from_outputs": bool(results),
                            "explanation": why, "how": "" if prose else how})
    return entries


def _inline(text: str) -> str:
    """Plain Markdown of one line to HTML: code, strong, emphasis and maths."""
    out, pos = [], 0
    for m in re.finditer(r"`([^`]+)`|\$([^$]+)\$|\*\*([^*]+)\*\*|\*([^*]+)\*", text):
        out.append(html.escape(text[pos:m.start()]))
        code, maths, strong, em = m.groups()
        if code is not None:
            out.append(f"<code>{html.escape(code)}</code>")
        elif maths is not None:
            out.append(f'<span class="math notranslate nohighlight">\\({html.escape(maths)}\\)'
                       "</span>")
        elif strong is not None:
            out.append(f"<strong>{html.escape(strong)}</strong>")
        else:
            out.append(f"<em>{html.escape(em)}</em>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def answer_key_html(entries: list[dict]) -> str:
    """The answer key as HTML, one entry per exercise, grouped by chapter."""
    parts = ["<h2>Answer key</h2>",
             "<p>Per exercise: the expected result, printed by the solution's code when the "
             "chapter was run (its stored output, checked by the chapter's hidden asserts), or "
             "the solution's first sentence for an exercise without code; then why. The full "
             "solutions are at the end of each chapter.</p>"]
    chapter = None
    for e in entries:
        if e["chapter"] != chapter:
            chapter = e["chapter"]
            parts.append(f"<h3>Chapter {chapter}</h3>")
        link = f'<a href="#{html.escape(e["label"])}">' if e["label"] else "<a>"
        parts.append('<div class="vrp-key-entry">'
                     f'<h4>{link}{html.escape(e["number"])}</a> ({_inline(e["title"])})</h4>')
        if e["from_outputs"]:
            parts.append(f"<pre>{html.escape(e['expected'])}</pre>")
        elif e["expected"]:
            parts.append(f"<p><strong>Expected:</strong> {_inline(e['expected'])}</p>")
        if e["explanation"]:
            parts.append(f"<p><strong>Why:</strong> {_inline(e['explanation'])}</p>")
        if e["how"]:
            parts.append("<p><strong>How</strong> (the solution has no prose; its code, "
                         f"without the printing):</p><pre>{html.escape(e['how'])}</pre>")
        parts.append("</div>")
    return "\n".join(parts)


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

# Lays the single page out as a book. Arguments: title, subtitle, author, date line, the
# documents left out, the trainer's documents, the answer key's HTML.
LAYOUT_JS = r"""
([title, subtitle, author, dateline, leftOut, trainerDocs, keyHtml]) => {
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
    .vrp-cover .vrp-edition { font-size: 13pt; font-weight: 600; margin-bottom: 10mm; }
    .vrp-cover p { font-size: 11pt; margin: 1mm 0; }
    .vrp-contents { break-after: page; }
    .vrp-contents h2 { font-size: 18pt; }
    .vrp-contents ol, .vrp-contents ul { list-style: none; padding-left: 0; }
    .vrp-contents li { display: flex; align-items: baseline; margin: 0; break-inside: avoid; }
    .vrp-contents .vrp-leader { flex: 1; border-bottom: 1px dotted #aaa; margin: 0 2mm; }
    .vrp-contents .vrp-page { min-width: 8mm; text-align: right; }
    .vrp-contents li.vrp-doc-entry { margin-top: 2.5mm; font-weight: 600; break-after: avoid; }
    .vrp-contents li.vrp-sec-entry { margin-left: 7mm; font-weight: normal; font-size: 9pt; }
    .vrp-contents li.vrp-sub-entry { margin-left: 14mm; font-weight: normal; font-size: 8.5pt;
      color: #333; }
    .vrp-doc { break-before: page; }
    .vrp-solutions { margin-top: 8mm; border-top: 1px solid #999; }
    .vrp-solutions .solution { break-inside: auto; }
    .vrp-pdf-intro-title { display: none; }
    .vrp-folded { font-size: 8.5pt; font-style: italic; color: #555; margin: 1mm 0;
      break-after: avoid; }
    .vrp-key-entry { break-inside: avoid; margin: 0 0 3mm 0; }
    .vrp-key-entry h4 { font-size: 10pt; margin: 2mm 0 1mm 0; }
    .vrp-key-entry pre { font-size: 8pt; margin: 1mm 0; padding: 1mm 2mm; background: #f4f4f4; }
    .vrp-key-entry p { margin: 1mm 0; }
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
    if (trainerDocs.includes(name)) section.classList.add('vrp-trainer-only');
    docs.push({name, section});
  }

  // Plotting code folded: a code cell whose only output is a figure prints the figure and a
  // note; its code stays in the notebook.
  let folded = 0;
  // the screen's "tap the figure" hints (_static/vrp-figures.js) mean nothing on paper
  document.querySelectorAll('.vrp-figure-hint').forEach(h => h.remove());
  for (const {name, section} of docs) {
    for (const cell of section.querySelectorAll('div.cell')) {
      const input = cell.querySelector(':scope > div.cell_input');
      const output = cell.querySelector(':scope > div.cell_output');
      if (!input || !output || !output.querySelector('img')) continue;
      const bare = output.cloneNode(true);
      bare.querySelectorAll('figcaption').forEach(c => c.remove());
      if (bare.querySelector('pre, table') || bare.textContent.trim()) continue;
      input.replaceWith(el('p', {class: 'vrp-folded'},
                           `Plotting code folded: it is in the notebook ${name}.ipynb.`));
      folded += 1;
    }
  }

  // Solutions: moved, open, to the end of their chapter (trainer's edition only).
  let moved = 0;
  for (const {name, section} of docs) {
    const solutions = [...section.querySelectorAll('div.solution')];
    if (!solutions.length) continue;
    const heading = section.querySelector(':scope > h1, :scope > h2, :scope > h3');
    const number = heading && heading.querySelector('.section-number');
    const chapter = number ? number.textContent.trim().replace(/\.$/, '') : '';
    const box = el('section', {class: 'vrp-solutions vrp-trainer-only',
                               id: 'vrp-solutions-' + name.replace(/\W/g, '-')});
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

  // The answer key (trainer's edition only): before the trainer's guide, or at the end.
  let keyEntries = 0;
  if (keyHtml) {
    const key = el('section', {class: 'vrp-doc vrp-trainer-only', id: 'vrp-answer-key'});
    key.innerHTML = keyHtml;
    keyEntries = key.querySelectorAll('.vrp-key-entry').length;
    const guide = docs.find(d => trainerDocs.includes(d.name));
    if (guide) guide.section.before(key); else docs[docs.length - 1].section.after(key);
    docs.splice(guide ? docs.indexOf(guide) : docs.length, 0, {name: 'answer-key', section: key});
  }

  // Contents, three levels: every document, its sections and their subsections.
  const contents = el('nav', {class: 'vrp-contents'});
  contents.appendChild(el('h2', {}, 'Contents'));
  const list = el('ul');
  let tocIds = 0;
  const H = ':scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > h5, :scope > h6';
  // Each entry: the title, a dotted leader, and its page (filled in after a first print).
  // Section ids repeat across the pages of a single-page build ("motivation" in every
  // chapter), so each entry points at its heading, given an id of its own.
  const entry = (cls, heading, trainer) => {
    if (!heading.id) heading.id = 'vrp-toc-' + (++tocIds);
    const li = el('li', {class: cls + (trainer ? ' vrp-trainer-only' : '')});
    li.appendChild(el('a', {href: '#' + heading.id},
                        heading.textContent.replace('#', '').trim()));
    li.appendChild(el('span', {class: 'vrp-leader'}));
    li.appendChild(el('span', {class: 'vrp-page', 'data-target': heading.id}));
    return li;
  };
  for (const {section} of docs) {
    const heading = section.querySelector(H);
    if (!heading) continue;
    const trainer = section.classList.contains('vrp-trainer-only');
    list.appendChild(entry('vrp-doc-entry', heading, trainer));
    for (const sub of section.querySelectorAll(':scope > section')) {
      const h = sub.querySelector(H);
      if (!h) continue;
      const subTrainer = trainer || sub.classList.contains('vrp-trainer-only');
      list.appendChild(entry('vrp-sec-entry', h, subTrainer));
      for (const subsub of sub.querySelectorAll(':scope > section')) {
        const h3 = subsub.querySelector(H);
        if (h3) list.appendChild(entry('vrp-sub-entry', h3, subTrainer));
      }
    }
  }
  contents.appendChild(list);

  // Cover.
  const cover = el('section', {class: 'vrp-cover'});
  cover.appendChild(el('h1', {}, title));
  if (subtitle) cover.appendChild(el('p', {class: 'vrp-subtitle'}, subtitle));
  cover.appendChild(el('p', {class: 'vrp-edition'}, ''));
  cover.appendChild(el('p', {}, author));
  cover.appendChild(el('p', {}, dateline));
  article.prepend(contents);
  article.prepend(cover);
  // The intro's own table of contents lists the pages of the HTML book: the new contents
  // replaces it.
  document.querySelectorAll('.toctree-wrapper > ul, .toctree-wrapper > p.caption')
      .forEach(e => e.remove());
  return {documents: docs.map(d => d.name), solutions: moved, folded, keyEntries,
          contentsEntries: list.children.length};
}
"""

# The answer key's maths is typeset like the rest of the page's.
TYPESET_JS = """
async () => {
  const key = document.getElementById('vrp-answer-key');
  if (key && window.MathJax && MathJax.typesetPromise) await MathJax.typesetPromise([key]);
  return key ? key.querySelectorAll('mjx-container').length : 0;
}
"""

# Blocks kept on one page (print.css) that are taller than a third of the page may break:
# pushed whole to the next page, they would leave that much of a page empty.
LONG_BLOCKS_JS = """
(limit) => {
  let n = 0;
  // Figures stay whole (print.css caps their height): a caption never leaves its image.
  const blocks = 'div.cell_input, div.highlight, div.cell_output, div.cell_output > div, ' +
                 'table, .admonition, .proof, .vrp-key-entry';
  for (const e of document.querySelectorAll(blocks)) {
    if (e.getBoundingClientRect().height > limit) { e.classList.add('vrp-long'); n += 1; }
  }
  return n;
}
"""

# The edition: its line on the cover; the participants' edition drops what is the trainer's.
EDITION_JS = """
([line, participants]) => {
  document.querySelector('.vrp-cover .vrp-edition').textContent = line;
  let removed = 0;
  if (participants) {
    document.querySelectorAll('.vrp-trainer-only').forEach(e => { e.remove(); removed += 1; });
    document.querySelectorAll('.vrp-contents .vrp-page').forEach(s => { s.textContent = ''; });
  }
  return removed;
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


#: Blocks taller than this share of the printed page's height (A4 less its margins, 263 mm,
#: about 994 CSS pixels) may break across pages (:data:`LONG_BLOCKS_JS`).
LONG_BLOCK_SHARE = 0.3
PAGE_TEXT_HEIGHT_PX = 263 / 25.4 * 96


def edition_paths(out: Path) -> dict[str, Path]:
    """The editions' files next to ``out``: ``<stem>-trainer.pdf`` and
    ``<stem>-participants.pdf``; ``out`` itself is a copy of the participants' edition (the
    HTML book links it)."""
    return {name: out.with_name(f"{out.stem}-{name}{out.suffix}") for name in EDITIONS}


def print_pdf(page_file: Path, outs: dict[str, Path]) -> dict[str, dict]:
    """Print the single-page build once per edition (the trainer's first, then the same page
    without the trainer's parts); return what was measured, per edition."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - environment problem
        raise SystemExit("make_pdf: the Python package playwright is missing "
                         "(`make` installs it from requirements.txt)") from exc
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    key = answer_key_entries()
    chromium = find_chromium()
    blocked: list[str] = []
    url = page_file.parent.as_uri() + "/"
    measured: dict[str, dict] = {}
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
                                           list(LEFT_OUT), list(TRAINER_DOCS),
                                           answer_key_html(key)])
        if layout["keyEntries"] != len(key):
            raise SystemExit(f"make_pdf: the answer key has {layout['keyEntries']} entries "
                             f"for {len(key)} exercises")
        layout["keyMaths"] = page.evaluate(TYPESET_JS)
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 720, "height": 1000})  # about A4's text width
        layout["longBlocks"] = page.evaluate(LONG_BLOCKS_JS,
                                             LONG_BLOCK_SHARE * PAGE_TEXT_HEIGHT_PX)
        cut = page.evaluate(OVERFLOW_JS)
        if cut:
            raise SystemExit("make_pdf: code lines wider than their printed box (cut at the "
                             "margin):\n" + "\n".join(cut[:10]))

        def print_to_pdf(out: Path):
            page.pdf(path=str(out), prefer_css_page_size=True, print_background=True,
                     display_header_footer=True, header_template="<span></span>",
                     footer_template=FOOTER, outline=True, tagged=True)

        for name in ("trainer", "participants"):
            out = outs[name]
            out.parent.mkdir(parents=True, exist_ok=True)
            removed = page.evaluate(EDITION_JS, [EDITIONS[name], name == "participants"])
            print_to_pdf(out)
            # The contents' page numbers: where the first print put each heading (the PDF's
            # named destinations), written in, then printed again (same layout: the number
            # fills a box of fixed width).
            pages = destination_pages(out)
            numbered = page.evaluate(PAGE_NUMBERS_JS, pages) if pages else 0
            if numbered:
                print_to_pdf(out)
            measured[name] = {**loaded, **layout, "contents_numbered": numbered,
                              "trainer_parts_removed": removed}
        context.close()
    if blocked:
        raise SystemExit(f"make_pdf: the page asked for files outside the build: {blocked[:5]}")
    if errors:  # the browser test checks the pages' scripts; here they only lay out the page
        print(f"make_pdf: warning: JavaScript errors on the single page: {errors[:5]}",
              file=sys.stderr)
    return measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "vrp-book.pdf",
                        help="the participants' edition, linked from the HTML book; the two "
                        "editions are written next to it as <stem>-participants.pdf and "
                        "<stem>-trainer.pdf")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder of the single-page build (default: <out folder>/work)")
    parser.add_argument("--reuse-build", action="store_true",
                        help="print the single-page build already in --work (no Sphinx run)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    work = (args.work or out.parent / "work").resolve()
    start = time.perf_counter()
    page_file = work / "_build" / "singlehtml" / "intro.html"
    if not (args.reuse_build and page_file.is_file()):
        if work.exists():
            shutil.rmtree(work)
        page_file = build_single_page(work)
    built = time.perf_counter()
    outs = edition_paths(out)
    measured = print_pdf(page_file, outs)
    seconds_print = round(time.perf_counter() - built, 1)
    for name, path in outs.items():
        m = measured[name]
        report = {
            "pdf": path.name, "edition": name, "pages": page_count(path),
            "bytes": path.stat().st_size, "documents": m["documents"],
            "solutions": m["solutions"] if name == "trainer" else 0,
            "answer_key_entries": m["keyEntries"] if name == "trainer" else 0,
            "plotting_cells_folded": m["folded"], "long_blocks_breakable": m["longBlocks"],
            "contents_entries_numbered": m["contents_numbered"],
            "images": m["images"], "maths_typeset": m["typeset"],
            "seconds_build": round(built - start, 1), "seconds_print_both": seconds_print,
        }
        if name == "participants":
            report["documents"] = [d for d in m["documents"]
                                   if d not in TRAINER_DOCS and d != "answer-key"]
        path.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n",
                                              encoding="utf-8")
        print(f"{path}: {report['pages']} pages, {report['bytes'] / 1e6:.1f} MB, "
              f"{len(report['documents'])} documents, {report['solutions']} solutions, "
              f"{report['answer_key_entries']} answer-key entries, "
              f"{report['plotting_cells_folded']} plotting cells folded")
    # The HTML book links vrp-book.pdf: the participants' edition.
    shutil.copyfile(outs["participants"], out)
    shutil.copyfile(outs["participants"].with_suffix(".json"), out.with_suffix(".json"))
    print(f"{out}: a copy of the participants' edition; built in {round(built - start, 1)} s, "
          f"both editions printed in {seconds_print} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
