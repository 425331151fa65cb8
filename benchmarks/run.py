"""Measure how long each chapter takes to execute, and write benchmarks/results.md.

Usage (``make bench``)::

    python benchmarks/run.py [--runs 3] [notebooks ...]

Each chapter notebook is executed ``--runs`` times top to bottom with nbclient, each time in
a fresh kernel (start-up included, as a trainer running "Restart & Run All" sees it), from
the notebook's own folder as the book build does. The wall-clock seconds of every run go
into ``benchmarks/results.md`` with the median, minimum and maximum per chapter and a
description of the machine. The trainer's guide includes the numbers from that file
(between the ``<!-- ... -->`` markers), so they are never typed by hand.

The floor: before each chapter run, a fresh kernel runs a one-cell notebook that only
imports numpy, pandas, scipy and matplotlib's pyplot (what every chapter imports before
it computes anything). Floor and chapter runs alternate, so both see the same machine
load; each chapter's ratio, median chapter time over median floor time measured
alongside it, is the overhead the chapter itself adds (target: at most 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.md"
PACKAGES = ("numpy", "pandas", "scipy", "matplotlib", "nbclient", "ipykernel", "jupyter-book")


def chapter_title(path: Path) -> str:
    """The first Markdown heading of the notebook (the chapter's title), without markup."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip().replace("|", "/")
    return ""


FLOOR_SOURCE = ("%matplotlib inline\nimport numpy as np\nimport pandas as pd\nimport scipy.stats\n"
                "import scipy.optimize\nimport matplotlib.pyplot as plt")
TARGET_RATIO = 2.0


def time_once(path: Path, timeout: int, nb=None) -> float:
    """Seconds to execute the notebook at ``path`` (or ``nb`` from that folder) in a fresh kernel."""
    nb = nb if nb is not None else nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def machine_lines(load_before: tuple[float, float, float] | None) -> list[str]:
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            pass
    lines = [
        f"- Date (UTC): {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M}",
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores; memory {memory_gib()}",
        f"- System: {platform.system()} {platform.release()} ({platform.machine()})",
        f"- Python {platform.python_version()}; {', '.join(versions)}",
    ]
    if load_before is not None:
        lines.append("- Load average (1, 5, 15 min) when the measurement started: "
                     + ", ".join(f"{x:.2f}" for x in load_before)
                     + " (the machine may have been shared: read the minimum as the "
                       "uncontended time)")
    return lines


def render(rows: list[dict], runs: int, load_before) -> str:
    out = [
        "# Chapter execution times",
        "",
        "Written by `benchmarks/run.py` (`make bench`); do not edit by hand. Each chapter is",
        f"executed {runs} times top to bottom, each time in a fresh Python kernel (kernel",
        "start-up included), with nbclient; times are wall-clock seconds. Before each chapter",
        "run, a fresh kernel runs the floor: one cell importing numpy, pandas, scipy and pyplot",
        "(the least any chapter does). Floor and chapter runs alternate, so both see the same",
        "load; the ratio is the chapter's median over the floor's median beside it (target: at",
        f"most {TARGET_RATIO:g}).",
        "",
        "<!-- table-start -->",
        "| Chapter | Title | Median (s) | Min (s) | Max (s) | Runs | Floor (s) | Chapter / floor |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        if r["error"]:
            out.append(f"| `{r['name']}` | {r['title']} | failed | | | {len(r['times'])} | | |")
        else:
            out.append(f"| `{r['name']}` | {r['title']} | {r['median']:.1f} | {r['min']:.1f} | "
                       f"{r['max']:.1f} | {len(r['times'])} | {r['floor']:.1f} | {r['ratio']:.2f} |")
    total = sum(r["median"] for r in rows if not r["error"])
    worst = max((r["ratio"] for r in rows if not r["error"]), default=float("nan"))
    out += [f"| **All chapters** | | **{total:.1f}** | | | | | **{worst:.2f}** (largest) |",
            "<!-- table-end -->", ""]
    out += ["## Machine", "", *machine_lines(load_before), ""]
    out += ["## Per chapter", "",
            "One line per chapter, included by the trainer's guide.", ""]
    for r in rows:
        text = ("did not execute: " + r["error"] if r["error"] else
                f"**Execution (measured).** Executes in {r['median']:.1f} s from top to bottom "
                f"(median of {len(r['times'])} runs, each in a fresh kernel; min "
                f"{r['min']:.1f} s, max {r['max']:.1f} s).")
        out += [f"<!-- {r['name']} -->", text, f"<!-- /{r['name']} -->", ""]
    out += ["## Every run", "", "| Chapter | Seconds per run | Floor, seconds per run |", "| --- | --- | --- |"]
    out += [f"| `{r['name']}` | {', '.join(f'{t:.2f}' for t in r['times']) or '-'} | "
            f"{', '.join(f'{t:.2f}' for t in r['floors']) or '-'} |" for r in rows]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    os.environ.setdefault("PYTHONHASHSEED", "0")
    notebooks = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    rows = []
    for path in notebooks:
        row = {"name": path.stem, "title": chapter_title(path), "times": [], "floors": [], "error": ""}
        floor_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
        for i in range(args.runs):
            try:
                row["floors"].append(time_once(path.resolve(), args.timeout, nb=floor_nb))
                row["times"].append(time_once(path.resolve(), args.timeout))
            except Exception as exc:  # report it in the table, fail the run at the end
                row["error"] = f"{type(exc).__name__} in run {i + 1}"
                break
        if row["times"] and not row["error"]:
            row.update(median=statistics.median(row["times"]), min=min(row["times"]),
                       max=max(row["times"]), floor=statistics.median(row["floors"]))
            row["ratio"] = row["median"] / row["floor"]
        rows.append(row)
        print(f"{path.stem}: " + (row["error"] or ", ".join(f"{t:.2f}" for t in row["times"]))
              + " s; floor " + ", ".join(f"{t:.2f}" for t in row["floors"]) + " s", flush=True)
    args.out.write_text(render(rows, args.runs, load_before), encoding="utf-8")
    print(f"wrote {args.out}")
    return 1 if any(r["error"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
