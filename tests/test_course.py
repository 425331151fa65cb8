"""The participants' course folder (``make course``) and the pre-flight check (``make preflight``).

A participant's work must survive: a second ``make course`` keeps every file that is there,
byte for byte, restores a deleted notebook and says what it kept. The course's notebooks carry
none of the book's build plumbing (myst-nb's glue), and import only what the participants'
environment has. ``make lab`` opens the course folder, with the caller's flags. The pre-flight
check passes on this machine (JupyterLab included) and fails, with exit status 1, when
something is missing. Offline; about 15 seconds.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
MAKE = shutil.which("make")
sys.path.insert(0, str(ROOT / "tools"))
try:
    import make_course
    import make_student
    import preflight
finally:
    sys.path.pop(0)
from test_participants import uncovered_imports  # noqa: E402


def _make(*args: str) -> subprocess.CompletedProcess:
    # -o: the venv counts as installed (a test never reinstalls it).
    return subprocess.run([MAKE, "--no-print-directory", "-s", "-C", str(ROOT), "-o", ".venv/.installed",
                           *args], capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("course") / "work"
    make_course.make_course(folder)
    return folder


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


@pytest.mark.skipif(MAKE is None, reason="make is not installed (Windows: python tools/make_course.py)")
def test_second_make_course_keeps_the_participants_work(tmp_path):
    folder = tmp_path / "my course"
    first = _make("course", f"COURSE_DIR={folder}")
    assert first.returncode == 0, first.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted([p.name for p in CHAPTERS] + ["README.md"])
    assert "7 created, 0 kept" in first.stdout
    # A participant answers an exercise in chapter 1 and deletes chapter 3.
    mine = folder / CHAPTERS[0].name
    nb = nbformat.read(mine, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("answer = 42  # my answer to exercise 1.1"))
    nbformat.write(nb, mine)
    edited = mine.read_bytes()
    (folder / CHAPTERS[2].name).unlink()
    second = _make("course", f"COURSE_DIR={folder}")
    assert second.returncode == 0, second.stderr
    assert mine.read_bytes() == edited
    assert (folder / CHAPTERS[2].name).is_file()
    assert f"{CHAPTERS[2].name}: created" in second.stdout
    assert "1 created, 6 kept" in second.stdout
    assert f"Kept as they are (yours; never overwritten): {CHAPTERS[0].name}" in second.stdout
    restored = nbformat.read(folder / CHAPTERS[2].name, as_version=4)
    assert not any(c.get("outputs") for c in restored.cells if c.cell_type == "code")


def test_make_course_from_the_trainers_notebooks(course, tmp_path):
    """In the participants' environment the notebooks come from a folder (--from)."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / CHAPTERS[1].name).write_text("my own file", encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "make_course.py"), "--out", str(folder),
                          "--from", str(course)], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert (folder / CHAPTERS[1].name).read_text(encoding="utf-8") == "my own file"
    assert (folder / CHAPTERS[0].name).read_bytes() == (course / CHAPTERS[0].name).read_bytes()
    assert f"Kept as they are (yours; never overwritten): {CHAPTERS[1].name}" in out.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SystemExit, match="no notebooks"):
        make_course.make_course(tmp_path / "other", source=empty)


def test_course_notebooks_carry_no_build_plumbing_and_import_only_pinned_packages(course):
    modules = set()
    for path in CHAPTERS:
        nb = nbformat.read(course / path.name, as_version=4)
        for source in _code(nb):
            tree = ast.parse(source)
            names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            assert not names & {"glue", "_glue"}, f"{path.name}: {source[:300]}"
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module:
                    modules.add(node.module.split(".")[0])
    assert "myst_nb" not in modules
    assert not uncovered_imports(modules), uncovered_imports(modules)


def test_strip_plumbing():
    assert make_student.strip_plumbing("from vrp_lib.tables import glue\nx = 1") == "x = 1"
    assert make_student.strip_plumbing("from vrp_lib.tables import glue, styled") == (
        "from vrp_lib.tables import glue, styled")            # mixed imports are kept whole
    code = ("from myst_nb import glue\nimport numpy as np\nx = np.ones(2)\n"
            "for k in range(2):\n    glue(f'k{k}', k, display=False)\n"
            "for k in range(2):\n    y = k\n    glue('y', y)\n"
            "if x[0] > 0:\n    glue('a', 1)\nelse:\n    z = 2\n"
            "def glue(name, value, display=False):\n    _glue(name, value)\n"
            "glue('x',\n     x[0])\nprint(x)")
    assert make_student.strip_plumbing(code) == (
        "import numpy as np\nx = np.ones(2)\nfor k in range(2):\n    y = k\n"
        "if x[0] > 0:\n    pass\nelse:\n    z = 2\nprint(x)")
    assert make_student.strip_plumbing("%%timeit\nglue('a', 1)") == "%%timeit\nglue('a', 1)"
    assert make_student.strip_plumbing("x = 1") == "x = 1"


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_make_lab_opens_the_course_folder_with_the_callers_flags(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    out = _make("-n", "lab", f"COURSE_DIR={folder}", "LAB_FLAGS=--no-browser --ip=127.0.0.1")
    assert out.returncode == 0, out.stderr
    lab = [ln for ln in out.stdout.splitlines() if "jupyter lab" in ln]
    assert lab and f'--notebook-dir="{folder}"' in lab[0] and lab[0].endswith("--no-browser --ip=127.0.0.1")
    assert ("--allow-root" in lab[0]) == (getattr(__import__("os"), "geteuid", lambda: 1)() == 0)
    assert "_build/student" not in out.stdout


def test_preflight_passes_here(course):
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "preflight.py"), "--course", str(course)],
                         capture_output=True, text=True, timeout=180, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert not [ln for ln in lines if ln.startswith("FAIL")]
    for what in ("PASS  Python 3.1", "PASS  import numpy", "PASS  import vrp_lib", "PASS  data/",
                 "PASS  computation: VIX of Cboe's white-paper example: 13.69", "PASS  JupyterLab starts",
                 "PASS  course folder"):
        assert any(ln.startswith(what) for ln in lines), (what, out.stdout)
    assert lines[-1].startswith("All checks passed")


def test_preflight_fails_with_status_1_and_says_how_to_fix(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "preflight.py"), "--no-lab",
                          "--course", str(tmp_path / "nowhere")],
                         capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 1, out.stdout + out.stderr
    fail = [ln for ln in out.stdout.splitlines() if ln.startswith("FAIL")]
    assert len(fail) == 1 and "course folder" in fail[0] and "make course" in fail[0], out.stdout
    assert "SKIP  JupyterLab starts" in out.stdout and "1 check(s) FAILED" in out.stdout


def test_preflight_reads_the_manifest_and_git_blob_ids():
    digest = "ab" * 32
    manifest = {"about": "x", "files": {"a.csv.gz": {"sha256": digest.upper(), "rows": 3}, "b.csv": "short"}}
    assert preflight._manifest_hashes(manifest) == {"a.csv.gz": digest}
    # `printf 'hello\n' | git hash-object --stdin`
    assert preflight._blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"
    assert preflight.pins(ROOT / "requirements-participants.txt")["numpy"] == "2.4.6"


def test_preflight_reports_a_jupyterlab_that_does_not_start(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(preflight, "lab_command", lambda port, token, folder: [
        sys.executable, "-c", "import sys; sys.stderr.write('address already in use'); sys.exit(3)"])
    report = preflight.Report()
    preflight.check_lab(report, tmp_path)
    out = capsys.readouterr().out
    assert report.failed == 1 and out.startswith("FAIL  JupyterLab starts: exited with status 3"), out
    assert "address already in use" in out and "firewall" in out


#: Longest line of code a reader sees (the style rule; hidden cells are exempt).
MAX_VISIBLE_LINE = 88
HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-input"}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_visible_code_lines_are_short(path):
    nb = nbformat.read(path, as_version=4)
    long = [(i, len(line)) for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and not HIDDEN_TAGS & set(c.metadata.get("tags", []))
            for line in c.source.splitlines() if len(line) > MAX_VISIBLE_LINE]
    assert not long, f"cells with lines over {MAX_VISIBLE_LINE} characters (cell, length): {long}"
