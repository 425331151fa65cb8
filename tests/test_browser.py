"""The built book, opened in a real browser with the network cut off, at two widths.

Run by ``make test-browser`` (part of ``make test``) after the book build. Headless Chromium
(found as below, driven by Playwright's Python package; no browser download) opens every page
of the built HTML from a loopback server started here, with every request that does not go to
that server blocked, once on a phone (390x844) and once on a laptop (1366x768). For each page
and width it checks:

- no console errors and no uncaught page errors;
- no request leaves the loopback server (no CDN, no font service) and none gets an HTTP error;
- no ``<script src>`` or ``<link href>`` names an external address;
- every ``<img>`` loaded (``naturalWidth > 0``) and has non-empty ``alt`` text; on chapter
  pages every figure has a numbered caption, alt text that describes it (not a file name) and
  a cross-reference from the text;
- maths typeset: where the page holds maths, MathJax ran (``mjx-container`` elements, no
  ``mjx-merror``) and no raw ``$...$``, ``\\(``, ``\\[`` or ``$$`` is left in the visible text;
- navigation: the visible menu button opens and closes the book's table of contents (a drawer
  on the phone, the left sidebar folding away on the laptop), the contents button does the
  same for the page's contents, ``aria-expanded`` follows, and there is no top bar and no
  second search box;
- no horizontal overflow: the page does not scroll sideways, and no text block sticks out of
  the viewport or its own box (wide maths, tables and code scroll inside their own box);
- figures on a phone (390 px wide): each chapter figure is a link (``_static/vrp-figures.js``)
  to an image that loads, so a tap opens it full size; and the source line under a figure (the
  bottom band of its image) is no wider than the matplotlib figure (``<Figure size WxH>`` in
  the executed notebooks);
- contrast in light and dark mode (chapter pages): every text in the tables, their captions and
  the figure captions is at least 4.5:1 (WCAG) against the first opaque background behind it;
- tables (chapter pages): every table outside a solution is numbered ``Table N.1``,
  ``Table N.2``, ... in page order (N the chapter's number) and has a caption beyond its number
  (the pages in :data:`TABLES_WITHOUT_CAPTIONS_YET` are excused the caption only);
- accessibility: the axe-core audit (vendored at set-up by ``tools/fetch_assets.sh`` into
  ``_vendor/axe-core``) finds no serious or critical violation. The audit's figures (pages x
  widths, rules checked, violations by impact) are printed and written to
  ``<build dir>/../browser-report.txt``.

Across the book: every table-of-contents link resolves (HTTP 200), every file in ``_toc.yml``
was built, search returns results for a known term (with no raw TeX in their excerpts), and on
chapter pages each exercise solution's dropdown opens when its title is clicked, and the
trainer's guide shows the measured timing table. The slide decks of ``make slides`` are built
into a temporary folder and opened the same way at 1280x720 (reveal.js starts, maths typeset, no
error, nothing from the network, no slide taller or wider than 1280x720, speaker notes in
``<aside class="notes">`` wherever the chapter has ``notes`` cells, and a tagged chapter has
some); the decks' figures
are printed and written to the same report. Screenshots of each chapter are saved under
``_build/screenshots/``: ``<chapter>.png`` (full page, laptop) and ``<chapter>-phone.png``
(first screen on the phone).

Configuration (environment variables):
``VRP_BUILD_DIR`` (default ``_build/html``), ``VRP_SCREENSHOT_DIR`` (default
``<build dir>/../screenshots``), ``VRP_CHROMIUM`` (a Chromium or Chrome binary; default: the
first of ``chromium``, ``chromium-browser``, ``google-chrome`` on the PATH or in
``/usr/bin``, then Google Chrome or Chromium in ``/Applications`` on macOS).
A missing build, browser, driver or axe-core is a test FAILURE with a message, never a skip.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD_DIR = Path(os.environ.get("VRP_BUILD_DIR", ROOT / "_build" / "html")).resolve()
SCREENSHOT_DIR = Path(os.environ.get("VRP_SCREENSHOT_DIR", BUILD_DIR.parent / "screenshots"))
AXE = ROOT / "_vendor" / "axe-core" / "axe.min.js"
REPORT_FILE = BUILD_DIR.parent / "browser-report.txt"
SEARCH_TERM = "variance"
PHONE = {"name": "phone", "width": 390, "height": 844}
LAPTOP = {"name": "laptop", "width": 1366, "height": 768}
WIDTHS = (PHONE, LAPTOP)
SLIDE_SIZE = (1280, 720)
# Chapter pages whose tables may still lack a caption (their number is checked all the same).
# Chapter 1's table of the article's published figures is a Markdown table (a caption needs the
# {table} directive). Empty this once it has one.
TABLES_WITHOUT_CAPTIONS_YET: tuple[str, ...] = ()
# WCAG 2 AA contrast for normal text.
MIN_CONTRAST = 4.5
# axe-core impacts that fail the test (minor and moderate ones are reported only).
BLOCKING_IMPACTS = ("serious", "critical")
IMPACTS = ("critical", "serious", "moderate", "minor")
TIMINGS: dict[str, float] = {}
_REPORT_LINES: list[str] = []

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_PATHS = (
    "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
    "/snap/bin/chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
HOW_TO_GET_CHROMIUM = (
    "install one (Debian/Ubuntu: `apt-get install chromium`; Fedora: `dnf install chromium`; "
    "macOS: Google Chrome from google.com/chrome or `brew install --cask chromium`) or set "
    "VRP_CHROMIUM to the path of a Chromium or Chrome binary")


def find_chromium() -> str:
    """The Chromium/Chrome binary to drive: VRP_CHROMIUM, else the usual Linux/macOS places."""
    explicit = os.environ.get("VRP_CHROMIUM")
    if explicit:
        if Path(explicit).is_file() and os.access(explicit, os.X_OK):
            return explicit
        pytest.fail(f"VRP_CHROMIUM={explicit!r} is not an executable file: "
                    + HOW_TO_GET_CHROMIUM, pytrace=False)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for path in CHROMIUM_PATHS:
        if Path(path).is_file() and os.access(path, os.X_OK):
            return path
    pytest.fail("no Chromium or Chrome found (looked for "
                f"{', '.join(CHROMIUM_NAMES)} on the PATH and in {', '.join(CHROMIUM_PATHS)}): "
                + HOW_TO_GET_CHROMIUM, pytrace=False)

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    # A second fence behind the request interception: no host name resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# Folders of the build that hold assets, not pages.
NOT_PAGES = ("_static", "_sources", "_images", "mathjax", "_downloads", "jupyter_execute")
# Visible text that is raw TeX: \( \[ $$, or a $...$ pair holding a TeX command, ^, _ or {.
RAW_MATH = re.compile(r"\\\(|\\\[|\$\$|\$[^$\n]{0,200}?(\\[A-Za-z]+|[\^_{])[^$\n]{0,200}?\$")

# JavaScript run in each page once it has loaded.
WAIT_FOR_PAGE_JS = """
async () => {
  const timeout = ms => new Promise(r => setTimeout(r, ms));
  // Images: wait for any still loading (at most 5 s).
  await Promise.race([timeout(5000), Promise.all([...document.images].map(img =>
    img.complete ? null : new Promise(r => { img.loading = 'eager';
      img.addEventListener('load', r); img.addEventListener('error', r); })))]);
  // MathJax 3: wait for its start-up typesetting (at most 15 s).
  if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
    await Promise.race([timeout(15000), window.MathJax.startup.promise]);
  }
}
"""
INSPECT_PAGE_JS = """
() => {
  const external = u => /^(https?:)?\\/\\//i.test(u) && !u.startsWith(location.origin);
  const assets = [];
  for (const s of document.querySelectorAll('script[src]'))
    if (external(s.getAttribute('src'))) assets.push('script ' + s.getAttribute('src'));
  for (const l of document.querySelectorAll('link[href]'))
    if (external(l.getAttribute('href')) && !/^(canonical|alternate)$/i.test(l.rel))
      assets.push('link ' + l.getAttribute('href'));
  const images = [...document.images].map(img => ({
    src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0,
    alt: (img.getAttribute('alt') || '').trim()}));
  const body = document.body.cloneNode(true);
  body.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight')
      .forEach(e => e.remove());
  return {
    assets, images,
    mathSource: document.querySelectorAll('.math').length,
    mathUntypeset: [...document.querySelectorAll('.math')]
        .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80)),
    mjx: document.querySelectorAll('mjx-container').length,
    mjxErrors: [...document.querySelectorAll('mjx-merror')].map(e => e.textContent.slice(0, 80)),
    mathjaxLoaded: !!(window.MathJax && window.MathJax.version),
    text: body.textContent,
    tocLinks: [...document.querySelectorAll('nav.bd-docs-nav a[href], .toctree-wrapper a[href]')]
        .map(a => a.href),
    figures: [...document.querySelectorAll('main article img')].map(img => {
      const fig = img.closest('figure');
      const number = fig && fig.querySelector('figcaption .caption-number');
      return {src: img.getAttribute('src'), alt: (img.getAttribute('alt') || '').trim(),
              id: fig ? fig.id : null, number: number ? number.textContent.trim() : null,
              caption: fig && fig.querySelector('figcaption')
                ? fig.querySelector('figcaption').textContent.trim() : '',
              referenced: !!(fig && fig.id && document.querySelector(
                `a[href="#${CSS.escape(fig.id)}"]`))};
    }),
    chapterNumber: ((document.querySelector('main h1 .section-number') || {}).textContent || '')
        .trim().replace(/\\.$/, ''),
    tables: [...document.querySelectorAll('main article table')]
        .filter(t => !t.closest('.solution')).map(t => {
      const caption = t.querySelector(':scope > caption');
      const number = caption && caption.querySelector('.caption-number');
      const text = caption ? caption.cloneNode(true) : null;   // less number and link sign
      if (text) text.querySelectorAll('.caption-number, .headerlink').forEach(e => e.remove());
      return {id: t.id || t.className || 'table',
              number: number ? number.textContent.trim() : null,
              caption: text ? text.textContent.trim() : ''};
    }),
    downloads: [...document.querySelectorAll('a.btn-download-source-button')].map(a => a.href),
    externalLinks: [...document.querySelectorAll('a[href^="http"]')].map(a => a.getAttribute('href')),
  };
}
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # The browser closing a connection early (a cancelled font or image request) is
        # not an error of the book; anything else is printed as usual.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def _serve(directory: Path):
    """Serve a folder on 127.0.0.1 only, on a free port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server():
    """The built book, served on the loopback interface."""
    if not (BUILD_DIR / "intro.html").is_file():
        pytest.fail(f"no built book in {BUILD_DIR} (intro.html missing): run `make test-build` "
                    "or set VRP_BUILD_DIR", pytrace=False)
    with _serve(BUILD_DIR) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    """Headless Chromium whose only reachable host is the loopback server; one context
    (fresh profile) per width: ``contexts["phone"]``, ``contexts["laptop"]``, and
    ``contexts["slides"]`` (1280x720) for the decks."""
    chromium = find_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - environment problem, reported as a failure
        pytest.fail("the Python package playwright is missing: `make` installs it from "
                    "requirements.txt", pytrace=False)
    blocked: list[str] = []
    allowed = [server]  # loopback servers started by this module

    def route(route_, request):
        if any(request.url.startswith(prefix) for prefix in allowed):
            route_.continue_()
        else:
            blocked.append(request.url)
            route_.abort()

    with sync_playwright() as p:
        try:
            chrome = p.chromium.launch(executable_path=chromium, headless=True,
                                       args=CHROMIUM_ARGS)
        except Exception as exc:  # a binary Playwright cannot drive
            pytest.fail(f"could not start {chromium}: {exc}\n" + HOW_TO_GET_CHROMIUM,
                        pytrace=False)
        contexts = {}
        for size in (*WIDTHS, {"name": "slides", "width": SLIDE_SIZE[0],
                               "height": SLIDE_SIZE[1]}):
            phone = size["name"] == "phone"
            context = chrome.new_context(
                viewport={"width": size["width"], "height": size["height"]},
                device_scale_factor=1, is_mobile=phone, has_touch=phone,
                service_workers="block")
            context.route("**/*", route)
            context.set_default_timeout(20_000)
            contexts[size["name"]] = context
        yield SimpleNamespace(context=contexts["laptop"], contexts=contexts,
                              blocked=blocked, allowed=allowed, chromium=chromium)
        for context in contexts.values():
            context.close()
        chrome.close()


def _pages() -> list[str]:
    if not BUILD_DIR.is_dir():
        return []
    return sorted(p.relative_to(BUILD_DIR).as_posix() for p in BUILD_DIR.rglob("*.html")
                  if not p.relative_to(BUILD_DIR).parts[0] in NOT_PAGES)


def _is_redirect(path: Path) -> bool:
    return 'http-equiv="refresh"' in path.read_text(encoding="utf-8", errors="replace").lower()


def _is_chapter(page: str) -> bool:
    return page.startswith("chapters/")


# --- navigation -------------------------------------------------------------------------------

# Whether a panel is open, as a reader sees it: one of its links is inside the viewport and
# is the element actually hit at its centre (not hidden, not covered, not off-canvas).
PANEL_OPEN_JS = """
(which) => {
  const links = which === 'menu'
    ? document.querySelectorAll('nav.bd-docs-nav a.reference')
    : document.querySelectorAll('#pst-page-toc-nav a, .bd-toc-nav a');
  for (const a of links) {
    const r = a.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const x = r.left + Math.min(r.width / 2, 20), y = r.top + r.height / 2;
    if (x < 0 || x > innerWidth || y < 0 || y > innerHeight) continue;
    const hit = document.elementFromPoint(x, y);
    if (hit && (hit === a || a.contains(hit))) return true;
  }
  return false;
}
"""
NAV_STATE_JS = """
() => {
  const visible = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight; };
  const q = s => document.querySelector(s);
  const menu = q('.bd-header-article .primary-toggle');
  const toc = q('.bd-header-article .secondary-toggle');
  return {
    menuButton: !!menu && visible(menu),
    tocButton: !!toc && visible(toc),
    menuExpanded: menu ? menu.getAttribute('aria-expanded') : null,
    tocExpanded: toc ? toc.getAttribute('aria-expanded') : null,
    pageToc: document.querySelectorAll('#pst-page-toc-nav a').length,
    topBars: [...document.querySelectorAll('header.bd-header, #pst-header')]
      .filter(visible).length,
    // the page's own chrome; the search page's form inside the article does not count
    searchBoxes: [...document.querySelectorAll(
      '.search-button-field, .search-button, form.bd-search')]
      .filter(e => !e.closest('.bd-article, .bd-search-container')).filter(visible).length,
  };
}
"""


def _wait_panel(page, which: str, want_open: bool) -> bool:
    try:
        page.wait_for_function(f"(w) => ({PANEL_OPEN_JS})(w) === {str(want_open).lower()}",
                               arg=which, timeout=3000, polling=50)
        return True
    except Exception:  # playwright TimeoutError
        return False


def _close_drawer(page, which: str, size: dict) -> None:
    """A phone reader closes a drawer by tapping beside it (the menu is on the left, the
    page contents on the right)."""
    x = size["width"] - 12 if which == "menu" else 12
    page.mouse.click(x, size["height"] // 2)


def _check_navigation(page, size: dict) -> list[str]:
    """Open and close the menu and the page contents with the visible buttons."""
    problems = []
    state = page.evaluate(NAV_STATE_JS)
    if state["topBars"]:
        problems.append("a top bar above the article header is shown")
    if state["searchBoxes"] > 1:
        problems.append(f"{state['searchBoxes']} search boxes visible at once")
    drawers = size["width"] < 992          # below: the menu is a drawer
    toc_drawer = size["width"] < 1200      # below: the page contents are a drawer
    checks = [("menu", ".bd-header-article .primary-toggle", "menuButton", "menuExpanded",
               drawers)]
    if state["pageToc"]:
        checks.append(("contents", ".bd-header-article .secondary-toggle", "tocButton",
                       "tocExpanded", toc_drawer))
    for which, selector, button_key, aria_key, drawer in checks:
        if not state[button_key]:
            problems.append(f"no visible {which} button")
            continue
        start_open = not drawer   # a sidebar at laptop width starts open, a drawer closed
        if not _wait_panel(page, which, start_open):
            problems.append(f"{which} {'not shown' if start_open else 'shown'} on arrival")
            continue
        for step in ("first click", "second click"):
            expect = not start_open if step == "first click" else start_open
            if drawer and step == "second click":
                _close_drawer(page, which, size)
            else:
                page.click(selector)
            if not _wait_panel(page, which, expect):
                problems.append(f"{which} did not {'open' if expect else 'close'} "
                                f"({step if not drawer or expect else 'tap beside the drawer'})")
                break
            aria = page.evaluate(NAV_STATE_JS)[aria_key]
            if aria != str(expect).lower():
                problems.append(f"{which} button aria-expanded={aria!r} while "
                                f"{'open' if expect else 'closed'}")
        else:
            if drawer:  # and the keyboard closes the drawer too
                page.click(selector)
                ok = _wait_panel(page, which, True)
                page.keyboard.press("Escape")
                if not (ok and _wait_panel(page, which, False)):
                    problems.append(f"{which} drawer did not close with Escape")
    return problems


# --- horizontal overflow ---------------------------------------------------------------------

OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const page = document.documentElement.scrollWidth;
  if (page > width + 1) out.push(`the page scrolls sideways (${page} px wide in ${width} px)`);
  const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (/(auto|scroll|hidden)/.test(s.overflowX) && p !== document.body
          && p !== document.documentElement) return true; }
    return false; };
  const blocks = document.querySelectorAll('main p, main li, main dt, main dd, main h1, ' +
    'main h2, main h3, main h4, main figcaption, main caption, main .admonition-title, ' +
    'main blockquote, footer p');
  for (const e of blocks) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || getComputedStyle(e).visibility === 'hidden') continue;
    if (scrolls(e)) continue;   // inside a box that scrolls by itself: allowed
    const what = `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 50)}"`;
    if (r.right > width + 1 || r.left < -1) {
      out.push(`${what} sticks out of the viewport (${Math.round(r.left)}..` +
               `${Math.round(r.right)} px of ${width})`);
    } else if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible') {
      out.push(`${what} overflows its box (${e.scrollWidth} px in ${e.clientWidth})`);
    }
    if (out.length > 8) break;
  }
  return out;
}
"""

# --- figures on a phone, contrast -------------------------------------------------------------

# Each chapter figure: the link around its image (tap to open full size) and the sizes.
FIGURE_LINKS_JS = """
() => [...document.querySelectorAll('main article figure img')].map(img => {
  const a = img.closest('a[href]');
  return {id: (img.closest('figure') || {}).id || img.getAttribute('src'),
          src: img.getAttribute('src'), href: a ? a.href : null,
          focusable: !!a && a.tabIndex >= 0, shown: Math.round(img.getBoundingClientRect().width),
          natural: img.naturalWidth};
})
"""

# WCAG contrast of every text in the page's tables (and their captions) and figure captions, in
# the theme's light or dark mode: the text's colour over the first opaque background behind it
# (semi-transparent layers composited on top of it; transitions off, so styles are final).
CONTRAST_JS = """
(mode) => {
  if (!document.getElementById('vrp-no-transitions')) {
    const style = document.createElement('style');
    style.id = 'vrp-no-transitions';
    style.textContent = '*, *::before, *::after { transition: none !important; }';
    document.head.appendChild(style);
  }
  document.documentElement.dataset.theme = mode;
  document.documentElement.dataset.mode = mode;
  const parse = c => { const m = /rgba?\\(([^)]+)\\)/.exec(c || '');
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3]))
    .concat([1]);
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255, 1];   // the canvas, when nothing behind is opaque
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const lum = c => { const f = v => { v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const x = lum(a), y = lum(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const failing = [];
  let texts = 0;
  for (const root of document.querySelectorAll('main article table, main article figcaption')) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const el = t.parentElement;
      const s = getComputedStyle(el);
      if (!t.textContent.trim() || s.visibility === 'hidden' || s.display === 'none'
          || !el.getClientRects().length) continue;
      texts += 1;
      const bg = background(el);
      const fg = over(parse(s.color), bg);
      const r = ratio(fg, bg);
      if (r < __MIN__) failing.push(`${root.closest('table') ? 'table ' + (
          root.closest('table').id || 'without id') : 'figure caption'}: "${
          t.textContent.trim().slice(0, 40)}" ${r.toFixed(2)}:1 (${s.color} on rgb(${
          bg.slice(0, 3).map(Math.round).join(', ')}))`);
    }
  }
  return {texts, failing};
}
""".replace("__MIN__", str(MIN_CONTRAST))

# --- accessibility ---------------------------------------------------------------------------

AXE_RUN_JS = """
async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  const ids = a => a.map(x => x.id);
  return {
    rules: [...ids(r.passes), ...ids(r.violations), ...ids(r.incomplete),
            ...ids(r.inapplicable)],
    violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})),
    version: axe.version,
  };
}
"""


def _audit(page) -> dict:
    if not AXE.is_file():
        pytest.fail(f"axe-core missing ({AXE}): run `tools/fetch_assets.sh` (or `make assets`)"
                    ", which fetches it from the npm registry once", pytrace=False)
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN_JS)


# --- opening every page at both widths --------------------------------------------------------

class _Clock:
    """Adds the seconds spent in each step to TIMINGS."""

    def __init__(self):
        self.last = time.monotonic()

    def lap(self, step: str) -> None:
        now = time.monotonic()
        TIMINGS[f"  of which {step} (s)"] = TIMINGS.get(f"  of which {step} (s)", 0.0) + (
            now - self.last)
        self.last = now


def _open(context, url: str, path: Path | None = None):
    """Open a page, recording console errors and failing responses; wait for images/maths."""
    errors: list[str] = []
    bad_status: list[str] = []
    page = context.new_page()
    page.on("console", lambda m, e=errors: e.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda exc, e=errors: e.append(f"page error: {exc}"))
    page.on("response", lambda r, b=bad_status: b.append(f"{r.status} {r.url}")
            if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    if path is not None and _is_redirect(path):  # index.html: a meta refresh to intro.html
        page.wait_for_url(lambda u, start=url: u != start)
        page.wait_for_load_state("load")
    page.evaluate(WAIT_FOR_PAGE_JS)
    return page, errors, bad_status


@pytest.fixture(scope="module")
def report(server, browser):
    """Open every page at both widths once and record what the checks need.

    ``report[page]`` holds the laptop-width inspection (used by the page-content checks) and
    ``report[page]["widths"][name]`` what was seen at each width."""
    blocked = browser.blocked
    pages = _pages()
    if not pages:
        pytest.fail(f"no HTML pages in {BUILD_DIR}", pytrace=False)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    results: dict = {page: {"widths": {}} for page in pages}
    started = time.monotonic()
    for size in WIDTHS:
        context = browser.contexts[size["name"]]
        for page_path in pages:
            blocked_before = len(blocked)
            redirect = _is_redirect(BUILD_DIR / page_path)
            clock = _Clock()
            page, errors, bad_status = _open(context, server + page_path,
                                             BUILD_DIR / page_path)
            info = page.evaluate(INSPECT_PAGE_JS)
            clock.lap("open and inspect")
            seen = {"overflow": [], "navigation": [], "axe": None}
            if not redirect:  # a redirect shows intro.html, checked as itself
                seen["overflow"] = page.evaluate(OVERFLOW_JS)
                seen["axe"] = _audit(page)
                clock.lap("axe-core")
                if _is_chapter(page_path):
                    suffix = "" if size is LAPTOP else f"-{size['name']}"
                    # full page at laptop width; the first screen on the phone
                    page.screenshot(path=str(SCREENSHOT_DIR / f"{Path(page_path).stem}"
                                             f"{suffix}.png"), full_page=size is LAPTOP)
                    clock.lap("screenshots")
                if _is_chapter(page_path) and size is PHONE:
                    seen["figureLinks"] = page.evaluate(FIGURE_LINKS_JS)
                if _is_chapter(page_path) and size is LAPTOP:
                    seen["contrast"] = {mode: page.evaluate(CONTRAST_JS, mode)
                                        for mode in ("light", "dark")}
                    page.evaluate(CONTRAST_JS, "light")   # as the reader arrives
                    clock.lap("figure links and contrast")
                seen["navigation"] = _check_navigation(page, size)
                clock.lap("navigation")
            n_solutions, solutions = (_check_solutions(page)
                                      if _is_chapter(page_path) and size is LAPTOP else (0, []))
            clock.lap("solutions")
            page.close()
            seen.update(errors=errors, bad_status=bad_status,
                        blocked=blocked[blocked_before:], assets=info["assets"])
            results[page_path]["widths"][size["name"]] = seen
            if size is LAPTOP:
                info.update(solutions=solutions, n_solutions=n_solutions)
                results[page_path].update(info)
    for page_path, result in results.items():  # console and network: at either width
        widths = result["widths"].values()
        named = result["widths"].items()
        result["errors"] = [f"[{n}] {e}" for n, w in named for e in w["errors"]]
        result["bad_status"] = [s for w in widths for s in w["bad_status"]]
        result["blocked"] = [u for w in widths for u in w["blocked"]]
        result["assets"] = sorted({a for w in widths for a in w["assets"]})
    TIMINGS["pages at two widths (s)"] = time.monotonic() - started
    return results


def _check_solutions(page) -> tuple[int, list[str]]:
    """Click each exercise solution's dropdown title; return how many, and the failures."""
    problems = []
    dropdowns = page.locator("div.solution.dropdown")
    count = dropdowns.count()
    for i in range(count):
        box = dropdowns.nth(i)
        box_id = box.get_attribute("id")
        content = box.locator(":scope > :not(.admonition-title)").first
        if content.count() == 0:
            problems.append(f"{box_id}: solution has no content")
            continue
        if content.is_visible():
            problems.append(f"{box_id}: solution visible before its dropdown was clicked")
        box.locator(":scope > .admonition-title").click()
        try:
            content.wait_for(state="visible", timeout=3000)
        except Exception:  # playwright TimeoutError
            problems.append(f"{box_id}: solution did not open on click")
    return count, problems


def _failures(report, check) -> list[str]:
    out = []
    for page, info in report.items():
        out += [f"{page}: {msg}" for msg in check(page, info)]
    return out


def test_every_page_was_opened(report):
    assert "intro.html" in report and "search.html" in report
    assert any(_is_chapter(p) for p in report), "no chapter page in the build"


def test_no_console_errors(report):
    bad = _failures(report, lambda p, i: i["errors"])
    assert not bad, "console errors:\n" + "\n".join(bad)


def test_no_network_outside_the_build(report):
    bad = _failures(report, lambda p, i: [f"blocked request to {u}" for u in i["blocked"]]
                    + [f"external asset: {a}" for a in i["assets"]]
                    + [f"HTTP {s}" for s in i["bad_status"]])
    assert not bad, "requests outside the built book or failing:\n" + "\n".join(bad)


def test_images_load_and_have_alt_text(report):
    def check(page, info):
        return ([f"image not loaded: {im['src']}" for im in info["images"] if not im["loaded"]]
                + [f"image without alt text: {im['src']}" for im in info["images"]
                   if not im["alt"]])
    bad = _failures(report, check)
    assert not bad, "\n".join(bad)


def test_chapter_figures_are_numbered_captioned_described_and_referenced(report):
    """Each chapter figure: a numbered caption, alt text that says what it shows (not a file
    name), and a cross-reference from the text ({numref})."""
    def check(page, info):
        msgs = []
        for fig in info["figures"]:
            name = fig["id"] or fig["src"]
            if not fig["number"]:
                msgs.append(f"figure {name}: no numbered caption")
            alt = fig["alt"]
            if (re.search(r"\S\.(png|jpe?g|svg|gif)\b|_images/|jupyter_execute", alt, re.I)
                    or len(alt.split()) < 5):
                msgs.append(f"figure {name}: alt text {alt[:60]!r} does not describe it")
            if fig["number"] and not fig["referenced"]:
                msgs.append(f"figure {name} ({fig['number']}): not referenced in the text")
        return msgs
    chapters = {p: i for p, i in report.items() if _is_chapter(p)}
    bad = _failures(chapters, check)
    assert not bad, "\n".join(bad)
    assert any(i["figures"] for i in chapters.values()), "no figure on any chapter page"


def _content_type(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.headers.get("Content-Type", "") if resp.status == 200 else ""
    except urllib.error.URLError:
        return ""


def test_figures_open_full_size_on_a_phone(report):
    """At 390 px each chapter figure is a link, reachable by keyboard, to an image that loads."""
    problems, figures = [], 0
    for page, info in report.items():
        if not _is_chapter(page):
            continue
        for fig in info["widths"]["phone"].get("figureLinks", []):
            figures += 1
            if not fig["href"]:
                problems.append(f"{page}: figure {fig['id']} is not a link: no way to open it "
                                "full size on a phone")
            elif not fig["focusable"]:
                problems.append(f"{page}: figure {fig['id']}: its link is not reachable by "
                                "keyboard")
            elif not _content_type(fig["href"]).startswith("image/"):
                problems.append(f"{page}: figure {fig['id']} links to {fig['href']}, which "
                                "is not a loadable image")
    assert figures, "no chapter figure seen at phone width"
    assert not problems, "\n".join(problems)


def _figure_pixel_sizes() -> dict[str, tuple[int, int]]:
    """{sha256 of a PNG: its figure's size in pixels} from the executed notebooks of the build
    (myst-nb names each image by the sha256 of its bytes) or, failing them, the stored ones."""
    import base64
    import hashlib
    import json

    executed = sorted((BUILD_DIR.parent / "jupyter_execute" / "chapters").glob("*.ipynb"))
    sizes = {}
    for path in executed or sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                plain = "".join(data.get("text/plain", ""))
                size = re.match(r"<Figure size (\d+)x(\d+)", plain)
                if "image/png" in data and size:
                    png = base64.b64decode("".join(data["image/png"]))
                    sizes[hashlib.sha256(png).hexdigest()] = (int(size[1]), int(size[2]))
    return sizes


def _source_line_width(path: Path, gap: int = 5) -> int:
    """Pixel width of the bottom band of ink in a figure's image: the source line(s) that
    vrp_lib.plotting.add_source draws under the figure (the band ends at ``gap`` blank rows)."""
    import numpy as np
    from PIL import Image

    ink = np.asarray(Image.open(path).convert("L")) < 200
    rows = ink.any(axis=1)
    band, blank = [], 0
    for r in range(len(rows) - 1, -1, -1):
        if rows[r]:
            band.append(r)
            blank = 0
        elif band:
            blank += 1
            if blank >= gap:
                break
    columns = np.flatnonzero(ink[band].any(axis=0)) if band else np.array([0])
    return int(columns[-1] - columns[0] + 1)


def test_no_source_line_is_wider_than_its_figure(report):
    """The source line under each chapter figure (vrp_lib.plotting.add_source) is no wider than
    the matplotlib figure: it wraps instead of widening the saved image, which would shrink the
    plot on a phone. The figure's width is read from the executed notebooks."""
    sizes = _figure_pixel_sizes()
    problems, checked = [], 0
    for page, info in report.items():
        if not _is_chapter(page):
            continue
        for fig in info["figures"]:
            path = (BUILD_DIR / page).parent / fig["src"]
            if path.stem not in sizes:
                continue   # not a notebook's figure (or one whose notebook is not here)
            checked += 1
            width, figure_width = _source_line_width(path), sizes[path.stem][0]
            if width > figure_width:
                problems.append(f"{page}: figure {fig['id']}: the source line is {width} px wide "
                                f"for a {figure_width} px figure")
    assert checked, "no chapter figure matched an executed notebook's output"
    assert not problems, "\n".join(problems)


def test_tables_and_captions_readable_in_light_and_dark_mode(report):
    problems, texts = [], 0
    for page, info in report.items():
        if not _is_chapter(page):
            continue
        for mode, seen in info["widths"]["laptop"].get("contrast", {}).items():
            texts += seen["texts"]
            problems += [f"{page} [{mode}]: {msg}" for msg in seen["failing"][:5]]
    assert texts, "no table or figure-caption text found on the chapter pages"
    assert not problems, (f"text under {MIN_CONTRAST}:1 contrast:\n" + "\n".join(problems))


def test_chapter_tables_are_numbered_and_captioned(report):
    """Every table of a chapter (outside the solutions) is numbered Table N.1, N.2, ... in page
    order and has a caption; the pages of TABLES_WITHOUT_CAPTIONS_YET are excused the caption."""
    problems, tables = [], 0
    for page, info in report.items():
        if not _is_chapter(page):
            continue
        chapter = info["chapterNumber"]
        for k, table in enumerate(info["tables"], start=1):
            tables += 1
            if table["number"] != f"Table {chapter}.{k}":
                problems.append(f"{page}: table {k} ({table['id']}) is numbered "
                                f"{table['number']!r}, not 'Table {chapter}.{k}'")
            if not table["caption"] and page not in TABLES_WITHOUT_CAPTIONS_YET:
                problems.append(f"{page}: table {table['number'] or k} ({table['id']}) has no "
                                "caption")
    assert tables, "no table on any chapter page"
    assert not problems, "\n".join(problems)


def test_maths_typeset(report):
    def check(page, info):
        msgs = []
        if info["mathSource"] and not info["mathjaxLoaded"]:
            msgs.append(f"{info['mathSource']} maths elements but MathJax did not load")
        if info["mathSource"] and not info["mjx"]:
            msgs.append("maths present but no mjx-container: MathJax did not typeset")
        msgs += [f"maths element not typeset: {t!r}" for t in info["mathUntypeset"][:5]]
        msgs += [f"MathJax error: {t!r}" for t in info["mjxErrors"][:5]]
        msgs += [f"raw TeX in text: {m.group(0)[:80]!r}"
                 for m in list(RAW_MATH.finditer(info["text"]))[:5]]
        return msgs
    bad = _failures(report, check)
    assert not bad, "\n".join(bad)
    assert any(i["mjx"] for i in report.values()), "no page of the book typeset any maths"


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_toc_links_resolve(report, server):
    links = sorted({link.split("#")[0] for info in report.values() for link in info["tocLinks"]})
    assert links, "no table-of-contents links found"
    outside = [u for u in links if not u.startswith(server)]
    assert not outside, f"table-of-contents links leave the book: {outside}"
    bad = [f"{_status(u)} {u}" for u in links if _status(u) != 200]
    assert not bad, "table-of-contents links that do not resolve:\n" + "\n".join(bad)


def test_every_toc_file_was_built(server):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    missing = [f for f in files if _status(urljoin(server, f + ".html")) != 200]
    assert not missing, f"files in _toc.yml without a built page: {missing}"


def test_search_finds_a_known_term(server, browser):
    page = browser.context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(urljoin(server, f"search.html?q={SEARCH_TERM}"), wait_until="load")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(state="attached", timeout=15_000)
    count = results.count()
    # Each result's excerpt is fetched from its page after the list appears
    # (_static/vrp-search.js takes the maths out of it): wait until every result has one.
    try:
        page.wait_for_function(
            "() => { const li = document.querySelectorAll('#search-results ul.search li');"
            " return li.length && [...li].every(e => e.querySelector('p.context')); }",
            timeout=15_000)
    except Exception:  # playwright TimeoutError: a result without an excerpt is allowed
        pass
    excerpts = page.locator("#search-results").inner_text()
    page.close()
    assert count > 0, f"search for {SEARCH_TERM!r} returned no results"
    assert not errors, f"console errors on the search page: {errors}"
    raw = [m.group(0)[:60] for m in RAW_MATH.finditer(excerpts)]
    assert not raw, f"raw TeX in the search excerpts for {SEARCH_TERM!r}: {raw[:5]}"


def test_solutions_toggle_open(report):
    chapters = {p: i for p, i in report.items() if _is_chapter(p)}
    bad = _failures(chapters, lambda p, i: i["solutions"])
    assert not bad, "\n".join(bad)
    assert sum(i["n_solutions"] for i in chapters.values()) > 0, (
        "no exercise solution dropdown found on any chapter page")


def test_trainers_guide_shows_measured_times(report):
    # The guide includes benchmarks/results.md; a missing file is only a "CRITICAL" docutils
    # message that does not fail the build, so the page itself is checked.
    page = "trainers_guide.html"
    assert page in report, f"{page} was not built"
    text = " ".join(report[page]["text"].split())
    html = (BUILD_DIR / page).read_text(encoding="utf-8")
    assert "Median (s)" in text, "the trainer's guide has no timing table"
    chapters = [p for p in report if _is_chapter(p)]
    missing = [p for p in chapters if f">{Path(p).stem}<" not in html]
    assert not missing, f"the timing table has no row for {missing}"
    assert text.count("Executes in") >= len(chapters), (
        "the session plans do not all include their chapter's measured time")


def test_screenshot_of_each_chapter(report):
    chapters = [p for p in report if _is_chapter(p)]
    missing = [f"{Path(p).stem}{suffix}.png" for p in chapters for suffix in ("", "-phone")
               if not (SCREENSHOT_DIR / f"{Path(p).stem}{suffix}.png").is_file()]
    assert not missing, f"no screenshot {missing} in {SCREENSHOT_DIR}"


def _say(capsys, line: str) -> None:
    """Print a line in the test output even when pytest captures output (-q), and add it to
    REPORT_FILE (started afresh by the first line of a run)."""
    with capsys.disabled():
        print(line)
    mode = "a" if _REPORT_LINES else "w"
    _REPORT_LINES.append(line)
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    with REPORT_FILE.open(mode, encoding="utf-8") as fh:
        fh.write(line + "\n")


def test_navigation_works_at_phone_and_laptop_widths(report):
    """Menu and contents buttons open and close their panels; no top bar, one search box."""
    bad = [f"{page} [{name}]: {msg}" for page, info in report.items()
           for name, seen in info["widths"].items() for msg in seen["navigation"]]
    assert not bad, "navigation:\n" + "\n".join(bad)
    checked = [p for p, i in report.items() if not _is_redirect(BUILD_DIR / p)]
    assert checked and all(set(report[p]["widths"]) == {w["name"] for w in WIDTHS}
                           for p in checked)


def test_no_horizontal_overflow(report):
    bad = [f"{page} [{name}]: {msg}" for page, info in report.items()
           for name, seen in info["widths"].items() for msg in seen["overflow"]]
    assert not bad, "text wider than the screen:\n" + "\n".join(bad)


def test_accessibility_axe_core(report, capsys):
    """axe-core on every page at both widths: no serious or critical violation."""
    audits = [(page, name, seen["axe"]) for page, info in report.items()
              for name, seen in info["widths"].items() if seen["axe"]]
    assert audits, "axe-core ran on no page"
    rules = sorted({rule for _, _, audit in audits for rule in audit["rules"]})
    by_impact = {impact: [0, 0] for impact in IMPACTS}  # [rule-page hits, elements]
    blocking, seen_rules = [], {}
    for page, name, audit in audits:
        for v in audit["violations"]:
            impact = v["impact"] or "minor"
            by_impact.setdefault(impact, [0, 0])
            by_impact[impact][0] += 1
            by_impact[impact][1] += v["nodes"]
            seen_rules.setdefault(f"{impact} {v['id']}", set()).add(f"{page} [{name}]")
            if impact in BLOCKING_IMPACTS:
                blocking.append(f"{page} [{name}]: {impact} {v['id']} ({v['help']}): "
                                f"{v['nodes']} element(s), e.g. {v['targets']}")
    pages = len({page for page, _, _ in audits})
    _say(capsys, f"axe-core {audits[0][2]['version']}: {pages} pages x {len(WIDTHS)} widths "
         f"= {len(audits)} audits, {len(rules)} rules checked; violations by impact "
         "(rule-page hits / elements): "
         + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in by_impact.items()))
    for rule, where in sorted(seen_rules.items()):
        _say(capsys, f"  {rule}: {len(where)} page-widths, e.g. {sorted(where)[0]}")
    for key, seconds in TIMINGS.items():
        _say(capsys, f"browser test: {key}: {seconds:.0f}")
    assert not blocking, "serious or critical accessibility violations:\n" + "\n".join(blocking)


def test_chromium_discovery_explains_a_missing_browser(monkeypatch, tmp_path):
    monkeypatch.setenv("VRP_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(pytest.fail.Exception, match="VRP_CHROMIUM.*apt-get install chromium"):
        find_chromium()
    monkeypatch.delenv("VRP_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM_PATHS", ())
    with pytest.raises(pytest.fail.Exception, match="no Chromium or Chrome found.*VRP_CHROMIUM"):
        find_chromium()


# Each slide of a deck, shown in turn at 1280x720: the box its content takes (in the deck's
# own pixels, after the deck's fit script ran), whether that box lies inside the projected
# area, and the speaker notes reveal.js would show for it (`s`).
MEASURE_SLIDES_JS = """
async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise)
    await MathJax.startup.promise;
  const out = [];
  for (const slide of Reveal.getSlides()) {
    const {h, v} = Reveal.getIndices(slide);
    Reveal.slide(h, v);
    await frame();
    if (window.vrpFitSlide) await window.vrpFitSlide(slide);
    await frame();
    const scale = Reveal.getScale() || 1;
    const area = document.querySelector('.reveal .slides').getBoundingClientRect();
    let top = Infinity, bottom = -Infinity, left = Infinity, right = -Infinity;
    for (const e of [slide, ...slide.querySelectorAll('*')]) {
      if (e.closest('aside.notes')) continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom);
      left = Math.min(left, r.left); right = Math.max(right, r.right);
    }
    out.push({
      slide: `${h}/${v}`,
      height: (bottom - top) / scale, width: (right - left) / scale,
      inside: top >= area.top - 2 && bottom <= area.bottom + 2
              && left >= area.left - 2 && right <= area.right + 2,
      zoom: parseFloat(slide.dataset.vrpZoom || '1'),
      asides: slide.querySelectorAll(':scope > aside.notes, :scope aside.notes').length,
      notes: (Reveal.getSlideNotes(slide) || '').trim().length,
      title: slide.textContent.trim().replace(/\\s+/g, ' ').slice(0, 80),
    });
  }
  return {slides: out, config: [Reveal.getConfig().width, Reveal.getConfig().height]};
}
"""


def _check_speaker_view(context, url: str, decks: list[str]) -> list[str]:
    """`s` on a slide with notes opens reveal.js's speaker view showing those notes."""
    for deck in decks:
        page = context.new_page()
        page.goto(url + deck, wait_until="load")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        target = page.evaluate("""() => { for (const s of Reveal.getSlides()) {
            const text = s.querySelector('aside.notes') ? s.querySelector('aside.notes')
              .innerText.trim() : '';
            if (text) { const {h, v} = Reveal.getIndices(s); return {h, v, text}; } }
          return null; }""")
        if not target:
            page.close()
            continue
        page.evaluate("([h, v]) => Reveal.slide(h, v)", [target["h"], target["v"]])
        try:
            with context.expect_page(timeout=5000) as popup_info:
                page.keyboard.press("s")
            popup = popup_info.value
            popup.wait_for_function(
                "(t) => { const n = document.querySelector('.speaker-controls-notes');"
                " return !!n && n.innerText.replace(/\\s+/g, ' ').includes(t); }",
                arg=" ".join(target["text"].split())[:40], timeout=5000)
            popup.close()
            problem = []
        except Exception as exc:  # playwright TimeoutError: no window, or no notes in it
            problem = [f"{deck}: `s` did not open a speaker view showing the slide's notes "
                       f"({type(exc).__name__})"]
        page.close()
        return problem
    return ["no deck has a slide with speaker notes to open with `s`"]


def _teaching_slides(deck: str, source, slides: list[dict]) -> list[str]:
    """A deck opens with its session's title and agenda slides (from the trainer's guide) and
    has a "Your turn" slide per exercise naming "Exercise N.M" and its minutes."""
    problems = []
    titles = [s["title"] for s in slides]
    if not (titles and titles[0].startswith("Session ")):
        problems.append(f"{deck}: the first slide is not the session's title: {titles[:1]}")
    if len(titles) < 2 or not titles[1].startswith("Agenda"):
        problems.append(f"{deck}: the second slide is not the agenda: {titles[1:2]}")
    n_exercises = sum(c.source.count("{exercise}") for c in source.cells
                      if c.cell_type == "markdown")
    turns = [t for t in titles if t.startswith("Your turn: Exercise")]
    if len(turns) != n_exercises:
        problems.append(f"{deck}: {len(turns)} \"Your turn\" slides for {n_exercises} exercises")
    chapter = int(deck[:2])
    for k, title in enumerate(turns, start=1):
        if not re.match(rf"Your turn: Exercise {chapter}\.{k}(?!\d).*?\d+ minutes", title):
            problems.append(f"{deck}: \"Your turn\" slide {title!r} does not name Exercise "
                            f"{chapter}.{k} and its minutes")
    return problems


def test_slide_decks_work_offline(browser, tmp_path, capsys):
    """`make slides` gives one working deck per chapter, with the network blocked: every slide
    fits a 1280x720 screen; each deck opens with its session's title and agenda slides and has
    a "Your turn" slide per exercise; every slide has speaker notes (`s`): its `notes` cell or
    notes derived from its prose."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_slides
    finally:
        sys.path.pop(0)
    import nbformat

    started = time.monotonic()
    notebooks = sorted((ROOT / "chapters").glob("*.ipynb"))
    try:
        make_slides.main(["--out", str(tmp_path), *map(str, notebooks)])
    except SystemExit as exc:  # missing reveal.js or MathJax, or a deck loading from the web
        pytest.fail(f"make_slides failed: {exc}", pytrace=False)
    problems, figures = [], []
    context = browser.contexts["slides"]
    width, height = SLIDE_SIZE
    with _serve(tmp_path) as url:
        browser.allowed.append(url)
        for nb in notebooks:
            deck = f"{nb.stem}.slides.html"
            if not (tmp_path / deck).is_file():
                problems.append(f"{deck}: not written")
                continue
            source = nbformat.read(nb, as_version=4)
            tagged = make_slides.is_tagged(source)
            notes_cells = sum(1 for c in source.cells if make_slides._slide_type(c) == "notes")
            blocked_before = len(browser.blocked)
            page, errors, bad_status = _open(context, url + deck)
            n_slides = page.evaluate("window.Reveal ? Reveal.getTotalSlides() : 0")
            text = page.evaluate("""() => { const b = document.body.cloneNode(true);
                b.querySelectorAll('pre, code, script, style, mjx-container, aside.notes')
                  .forEach(e => e.remove());
                return b.textContent; }""")
            measured = page.evaluate(MEASURE_SLIDES_JS) if n_slides else {"slides": []}
            page.close()
            problems += [f"{deck}: {e}" for e in errors + bad_status]
            problems += [f"{deck}: blocked request to {u}"
                         for u in browser.blocked[blocked_before:]]
            if n_slides < 1:
                problems.append(f"{deck}: reveal.js did not start")
                continue
            if measured["config"] != [width, height]:
                problems.append(f"{deck}: deck size {measured['config']}, not {width}x{height}")
            problems += [f"{deck}: raw TeX {m.group(0)[:60]!r}"
                         for m in list(RAW_MATH.finditer(text))[:3]]
            slides = measured["slides"]
            for s in slides:
                if s["height"] > height + 1 or s["width"] > width + 1 or not s["inside"]:
                    problems.append(f"{deck}: slide {s['slide']} ({s['title']!r}) overflows "
                                    f"{width}x{height}: content {s['width']:.0f}x"
                                    f"{s['height']:.0f} px at zoom {s['zoom']:.2f}")
            asides = sum(s["asides"] for s in slides)
            with_notes = sum(1 for s in slides if s["notes"])
            if tagged and notes_cells == 0:
                problems.append(f"{deck}: the chapter is tagged for slides but has no `notes` "
                                "cell (speaker notes)")
            if asides < notes_cells:
                problems.append(f"{deck}: {notes_cells} `notes` cells but {asides} "
                                "<aside class=\"notes\"> in the deck")
            bare = [s["slide"] for s in slides if not s["notes"]]
            if bare:
                problems.append(f"{deck}: slides without speaker notes: {bare[:10]}")
            problems += _teaching_slides(deck, source, slides)
            origin = "tagged" if tagged else "untagged: from the chapter structure"
            figures.append(
                f"  {deck}: {len(slides)} slides ({origin}), {with_notes} with speaker "
                "notes, max content height "
                f"{max(s['height'] for s in slides):.0f} px, max width "
                f"{max(s['width'] for s in slides):.0f} px, smallest fit zoom "
                f"{min(s['zoom'] for s in slides):.2f}")
        problems += _check_speaker_view(context, url, [f"{nb.stem}.slides.html"
                                                       for nb in notebooks])
    TIMINGS["slide decks (s)"] = time.monotonic() - started
    _say(capsys, f"slide decks at {width}x{height}:")
    for line in figures:
        _say(capsys, line)
    _say(capsys, f"browser test: slide decks (s): {TIMINGS['slide decks (s)']:.0f}")
    assert not problems, "\n".join(problems)


def test_chapters_offer_notebook_download_and_launch_buttons(report, server):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].rstrip("/").split("github.com/")[-1]
    problems = []
    for page, info in report.items():
        if not _is_chapter(page):
            continue
        notebook = Path(page).with_suffix(".ipynb").as_posix()
        sources = [u for u in info["downloads"] if u.endswith(notebook)]
        if not sources:
            problems.append(f"{page}: no download link to {notebook}")
        problems += [f"{page}: download {u} gives HTTP {_status(u)}"
                     for u in sources if _status(u) != 200]
        for key in ("binderhub_url", "colab_url"):
            service = config["launch_buttons"][key]
            hrefs = [h for h in info["externalLinks"] if h.startswith(service)]
            if not any(repo in h and notebook in h for h in hrefs):
                problems.append(f"{page}: no {service} launch button opening {repo} "
                                f"{notebook} (found {hrefs})")
    assert not problems, "\n".join(problems)
