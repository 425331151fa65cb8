"""The participants' course folder: the student notebooks, created once and never overwritten.

Usage (``make course``, ``make course COURSE_DIR=~/vrp-course``)::

    python tools/make_course.py [--out work] [--from FOLDER] [chapters/*.ipynb]

Writes ``<out>/<chapter>.ipynb`` for every chapter: its student notebook (``tools/make_student.py``:
no solutions, no hidden check cells, empty outputs), and a ``README.md`` that says how to start.
A file that is already there is the participant's and is kept as it is: a second run only adds
what is missing (a deleted or renamed notebook comes back fresh) and says what it kept. To start
a chapter afresh, rename your copy and run the command again.

The notebooks need nothing else in the folder: they import ``vrp_lib``, installed in the
environment from the repository (``pip install --no-deps -e .``), which reads the data from the
repository's ``data/``. So the folder can live anywhere (``--out``).

Building a student notebook needs the book's full environment (``requirements.txt``: myst-nb).
In the participants' environment (``requirements-participants.txt``), take the student
notebooks the trainer hands out (a folder written by ``make student`` or ``make course``) with
``--from FOLDER``: they are copied the same way, never over a participant's file.

The student notebooks carry none of the book's build plumbing (``make_student.strip_plumbing``
removes ``from myst_nb import glue`` and the ``glue(...)`` calls), so the folder is written as
make_student.py builds it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "work"
README = """# Your course folder

One notebook per chapter of *The Volatility Risk Premium*, without the solutions: run the cells
yourself (*Run > Run All Cells*, or Shift+Enter one by one) and write the exercises' code in the
cells after each exercise. This folder is yours: `make course` (or `python tools/make_course.py`)
never overwrites a file here; it only adds a notebook that is missing. To start a chapter afresh,
rename your copy and run it again.

Open the folder with `make lab`, or from the repository's folder:
`.venv/bin/jupyter lab --notebook-dir=work` (Windows: `.venv\\Scripts\\jupyter lab --notebook-dir=work`).
Check your set-up with `python tools/preflight.py`.
"""


def _student_notebooks(chapters: list[Path], only: set[str]):
    """``(name, notebook)`` of the student notebooks named in ``only``, built by
    tools/make_student.py (cross-references read the titles of all ``chapters``)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_student
        from make_slides import citation_labels, section_titles
    except ImportError as err:
        raise SystemExit(
            f"Building the student notebooks needs the book's environment (requirements.txt): {err}.\n"
            "In the participants' environment, copy the notebooks the trainer hands out instead:\n"
            "  python tools/make_course.py --from <folder with the student notebooks>") from None
    finally:
        sys.path.pop(0)
    cites = citation_labels(ROOT / "references.bib")
    titles = section_titles(chapters)
    for path in chapters:
        if path.name in only:
            yield path.name, make_student.student_notebook(path, cites, titles)


def _copied_notebooks(folder: Path):
    for path in sorted(Path(folder).glob("*.ipynb")):
        yield path.name, nbformat.read(path, as_version=4)


def _write_new(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file in the same folder, so that an
    interrupted run leaves no half-written notebook."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_course(out: Path, chapters: list[Path] | None = None, source: Path | None = None) -> dict[str, list[str]]:
    """Fill the course folder ``out``; returns the file names ``created`` and ``kept``.

    Only missing files are written: a file already in ``out`` is never read, changed or
    replaced. The student notebooks are built only when one is missing.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if chapters is None:
        chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    if source is not None:
        names = [p.name for p in sorted(Path(source).glob("*.ipynb"))]
        if not names:
            raise SystemExit(f"--from {source}: no notebooks (*.ipynb) there")
    else:
        absent = [str(p) for p in chapters if not Path(p).is_file()]
        if absent:
            raise SystemExit(f"no such chapter notebook: {', '.join(absent)}")
        names = [Path(p).name for p in chapters]
    result = {"created": [], "kept": []}
    missing = {n for n in names if not (out / n).exists()}
    if missing:
        notebooks = (_copied_notebooks(source) if source is not None
                     else _student_notebooks([Path(p) for p in chapters], missing))
        for name, nb in notebooks:
            if name in missing:
                _write_new(out / name, nbformat.writes(nb) + "\n")
    for name in names:
        result["created" if name in missing else "kept"].append(name)
    if (out / "README.md").exists():
        result["kept"].append("README.md")
    else:
        _write_new(out / "README.md", README)
        result["created"].append("README.md")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", type=Path, help="chapter notebooks (default chapters/*.ipynb)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the course folder (default work/)")
    parser.add_argument("--from", dest="source", type=Path,
                        help="copy the student notebooks from this folder instead of building them")
    args = parser.parse_args(argv)
    result = make_course(args.out, args.chapters or None, args.source)
    for name in result["created"]:
        print(f"{args.out / name}: created")
    if result["kept"]:
        print(f"Kept as they are (yours; never overwritten): {', '.join(result['kept'])}.\n"
              "To get a fresh copy of one, rename or delete it and run this again.")
    print(f"Course folder {args.out}: {len(result['created'])} created, {len(result['kept'])} kept.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
