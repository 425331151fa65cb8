"""The built book, opened in a real browser with the network cut off.

Run by ``make test-browser`` (part of ``make test``) after the book build. Headless Chromium
(Debian's ``chromium`` package, driven by Playwright's Python package; no browser download)
opens every page of the built HTML from a loopback server started here, with every request
that does not go to that server blocked. For each page it checks:

- no console errors and no uncaught page errors;
- no request leaves the loopback server (no CDN, no font service) and none gets an HTTP error;
- no ``<script src>`` or ``<link href>`` names an external address;
- every ``<img>`` loaded (``naturalWidth > 0``) and has non-empty ``alt`` text;
- maths typeset: where the page holds maths, MathJax ran (``mjx-container`` elements, no
  ``mjx-merror``) and no raw ``$...$``, ``\\(``, ``\\[`` or ``$$`` is left in the visible text.

Across the book: every table-of-contents link resolves (HTTP 200), every file in ``_toc.yml``
was built, search returns results for a known term, and on chapter pages each exercise
solution's dropdown opens when its title is clicked, and the trainer's guide shows the
measured timing table. The slide decks of ``make slides`` are built into a temporary folder and
opened the same way (reveal.js starts, maths typeset, no error, nothing from the network). A
screenshot of each chapter page is saved under ``_build/screenshots/``.

Configuration (environment variables):
``VRP_BUILD_DIR`` (default ``_build/html``), ``VRP_SCREENSHOT_DIR`` (default
``<build dir>/../screenshots``), ``VRP_CHROMIUM`` (default ``/usr/bin/chromium``).
A missing build, browser or driver is a test FAILURE with a message, never a skip.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import sys
import tempfile
import threading
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
CHROMIUM = os.environ.get("VRP_CHROMIUM", "/usr/bin/chromium")
SEARCH_TERM = "variance"

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
    """A fresh headless Chromium profile whose only reachable host is the loopback server."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's package "
                    "(`apt-get install chromium`) or set VRP_CHROMIUM", pytrace=False)
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

    with tempfile.TemporaryDirectory(prefix="vrp-chromium-") as profile, \
            sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900}, service_workers="block")
        context.route("**/*", route)
        context.set_default_timeout(20_000)
        yield SimpleNamespace(context=context, blocked=blocked, allowed=allowed)
        context.close()


def _pages() -> list[str]:
    if not BUILD_DIR.is_dir():
        return []
    return sorted(p.relative_to(BUILD_DIR).as_posix() for p in BUILD_DIR.rglob("*.html")
                  if not p.relative_to(BUILD_DIR).parts[0] in NOT_PAGES)


def _is_redirect(path: Path) -> bool:
    return 'http-equiv="refresh"' in path.read_text(encoding="utf-8", errors="replace").lower()


def _is_chapter(page: str) -> bool:
    return page.startswith("chapters/")


@pytest.fixture(scope="module")
def report(server, browser):
    """Open every page once and record what the checks need."""
    context, blocked = browser.context, browser.blocked
    pages = _pages()
    if not pages:
        pytest.fail(f"no HTML pages in {BUILD_DIR}", pytrace=False)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    results = {}
    for page_path in pages:
        errors: list[str] = []
        bad_status: list[str] = []
        blocked_before = len(blocked)
        page = context.new_page()
        page.on("console", lambda m, e=errors: e.append(f"console {m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda exc, e=errors: e.append(f"page error: {exc}"))
        page.on("response", lambda r, b=bad_status: b.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        url = server + page_path
        page.goto(url, wait_until="load")
        if _is_redirect(BUILD_DIR / page_path):  # index.html: a meta refresh to intro.html
            page.wait_for_url(lambda u, start=url: u != start)
            page.wait_for_load_state("load")
        page.evaluate(WAIT_FOR_PAGE_JS)
        info = page.evaluate(INSPECT_PAGE_JS)
        if _is_chapter(page_path):
            shot = SCREENSHOT_DIR / (Path(page_path).stem + ".png")
            page.screenshot(path=str(shot), full_page=True)
        n_solutions, solutions = _check_solutions(page) if _is_chapter(page_path) else (0, [])
        page.close()
        info.update(errors=errors, bad_status=bad_status,
                    blocked=blocked[blocked_before:], solutions=solutions,
                    n_solutions=n_solutions)
        results[page_path] = info
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
    page.close()
    assert count > 0, f"search for {SEARCH_TERM!r} returned no results"
    assert not errors, f"console errors on the search page: {errors}"


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
    missing = [p for p in chapters
               if not (SCREENSHOT_DIR / (Path(p).stem + ".png")).is_file()]
    assert not missing, f"no screenshot for {missing} in {SCREENSHOT_DIR}"



def test_slide_decks_work_offline(browser, tmp_path):
    """`make slides` gives one working deck per chapter, with the network blocked."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_slides
    finally:
        sys.path.pop(0)
    notebooks = sorted((ROOT / "chapters").glob("*.ipynb"))
    try:
        make_slides.main(["--out", str(tmp_path), *map(str, notebooks)])
    except SystemExit as exc:  # missing reveal.js or MathJax, or a deck loading from the web
        pytest.fail(f"make_slides failed: {exc}", pytrace=False)
    problems = []
    with _serve(tmp_path) as url:
        browser.allowed.append(url)
        for nb in notebooks:
            deck = f"{nb.stem}.slides.html"
            if not (tmp_path / deck).is_file():
                problems.append(f"{deck}: not written")
                continue
            errors: list[str] = []
            blocked_before = len(browser.blocked)
            page = browser.context.new_page()
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
            page.goto(url + deck, wait_until="load")
            page.evaluate(WAIT_FOR_PAGE_JS)
            n_slides = page.evaluate("window.Reveal ? Reveal.getTotalSlides() : 0")
            text = page.evaluate("""() => { const b = document.body.cloneNode(true);
                b.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
                return b.textContent; }""")
            page.close()
            problems += [f"{deck}: {e}" for e in errors]
            problems += [f"{deck}: blocked request to {u}"
                         for u in browser.blocked[blocked_before:]]
            if n_slides < 1:
                problems.append(f"{deck}: reveal.js did not start")
            problems += [f"{deck}: raw TeX {m.group(0)[:60]!r}"
                         for m in list(RAW_MATH.finditer(text))[:3]]
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
