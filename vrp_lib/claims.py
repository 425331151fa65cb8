"""Named claims: what a chapter says of the data, checked where the data are.

A chapter's hidden check cells assert its claims on the embedded data (nbval runs them on
every test). On data refreshed by the reader (``make refresh``, ``VRP_DATA=latest``) the same
claims may no longer hold, and the honest answer to "does the book still hold?" is a list of
what holds and what does not, with the numbers, not a build that stops at the first
failure. A :class:`Claims` book-keeps both:

* ``mode="strict"`` (the default on the embedded data): :meth:`Claims.check` raises an
  ``AssertionError`` that quotes the claim's sentence and its numbers when the condition
  fails: the chapter stops, as a bare ``assert`` would.
* ``mode="record"`` (the default when ``VRP_DATA=latest``): :meth:`Claims.check` records
  the claim, holding or not, and :meth:`Claims.save` writes them to
  ``<folder>/<chapter>.json``; :func:`collect` and :func:`page` turn every chapter's file
  into the table of the page "Claims on data to DATE".

No global state: each chapter makes its own ``Claims`` and saves it in its last cell.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import _checks, data

__all__ = ["Claim", "Claims", "CLAIMS_DIR", "claims_folder", "collect", "page"]

#: Where recorded claims go unless ``VRP_CLAIMS_DIR`` says otherwise (relative to the
#: working folder, which is the chapter's folder when a book build executes it).
CLAIMS_DIR = "../_build/claims"
MODES = ("strict", "record")


def claims_folder() -> Path:
    """The folder for recorded claims: ``VRP_CLAIMS_DIR`` if set, else :data:`CLAIMS_DIR`."""
    return Path(os.environ.get("VRP_CLAIMS_DIR") or CLAIMS_DIR)


def _folder(folder, must_exist: bool) -> Path:
    if folder is None:
        return claims_folder()
    if not isinstance(folder, (str, os.PathLike)):
        raise _checks.ArgumentTypeError(f"folder must be a folder path, got {_checks._what(folder)}")
    path = Path(folder)
    if must_exist and not path.is_dir():
        raise ValueError(f"folder: {path} is not a folder of recorded claims (build the book with "
                         "VRP_DATA=latest first)")
    return path


def _number(value, name: str) -> float | int | str:
    if isinstance(value, (bool,)) or value is None:
        raise _checks.ArgumentTypeError(f"numbers: {name} must be a number, got {_checks._what(value)}")
    if isinstance(value, str):
        return value
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise _checks.ArgumentTypeError(f"numbers: {name} must be a number, got {_checks._what(value)}") from None
    if isinstance(value, int):
        return int(value)
    return x if math.isfinite(x) else str(x)


@dataclass(frozen=True)
class Claim:
    """One claim of a chapter, checked once.

    Attributes
    ----------
    chapter : str
        The chapter's file stem (``"01_definitions"``).
    name : str
        A short identifier, unique within the chapter (``"hit-rate-above-80"``).
    sentence : str
        The claim as the chapter states it, in words.
    holds : bool
        Whether the condition held on the data the chapter ran on.
    numbers : dict
        The numbers the condition compared (name -> value), for the reader.
    """

    chapter: str
    name: str
    sentence: str
    holds: bool
    numbers: dict = field(default_factory=dict)

    def __post_init__(self):
        for attr in ("chapter", "name", "sentence"):
            value = getattr(self, attr)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{attr} must be a non-empty string, got {value!r}")
        if not isinstance(self.holds, bool):
            raise _checks.ArgumentTypeError(f"holds must be True or False, got {self.holds!r}")
        if not isinstance(self.numbers, dict):
            raise _checks.ArgumentTypeError(f"numbers must be a dict, got {_checks._what(self.numbers)}")


class Claims:
    """The claims of one chapter, strict on the embedded data and recorded on refreshed data.

    Parameters
    ----------
    chapter : str
        The chapter's file stem, used as the file name of the saved record.
    first, last : date-like
        The span of the data the chapter ran on (shown on the claims page).
    mode : {"strict", "record"}, optional
        Default: ``"record"`` when ``VRP_DATA=latest``, else ``"strict"``.
    """

    def __init__(self, chapter: str, first, last, mode: str | None = None):
        if not isinstance(chapter, str) or not chapter.strip():
            raise ValueError(f"chapter must be a non-empty string, got {chapter!r}")
        self.chapter = chapter
        self.first = _checks.date(first, "first")
        self.last = _checks.date(last, "last")
        if self.last < self.first:
            raise ValueError(f"last ({self.last.date()}) is before first ({self.first.date()})")
        if mode is None:
            mode = "record" if data.data_choice() == "latest" else "strict"
        self.mode = _checks.choice(mode, "mode", MODES)
        self.claims: list[Claim] = []

    def check(self, name: str, sentence: str, condition, **numbers) -> bool:
        """Check one claim; raise (strict) or record (record) when it fails.

        Parameters
        ----------
        name : str
            Unique within the chapter.
        sentence : str
            The claim in words, as the chapter states it.
        condition : bool
            Whether it holds (a Python or numpy boolean).
        **numbers
            The numbers it compares, shown with the claim.

        Returns
        -------
        bool
            Whether the claim holds.
        """
        _condition(condition)
        if any(c.name == name for c in self.claims):
            raise ValueError(f"name: the claim {name!r} is already checked in {self.chapter}")
        claim = Claim(self.chapter, name, sentence, bool(condition),
                      {k: _number(v, k) for k, v in numbers.items()})
        self.claims.append(claim)
        if not claim.holds and self.mode == "strict":
            shown = ", ".join(f"{k} = {v}" for k, v in claim.numbers.items())
            raise AssertionError(f"claim {name!r} of {self.chapter} does not hold: {sentence}"
                                 + (f" ({shown})" if shown else ""))
        return claim.holds

    @property
    def strict(self) -> bool:
        """Whether a failing claim stops the chapter (``mode == "strict"``)."""
        return self.mode == "strict"

    @property
    def span(self) -> str:
        """The span of the data in words, for the chapter to state: ``"2 January 1990 to
        28 December 2022"``."""
        return f"{_day(self.first)} to {_day(self.last)}"

    def sample(self, name: str, condition, **numbers) -> bool:
        """Check a fact of the embedded sample that is not a claim about markets (a row count,
        a first or last date, a value pinned by a hand computation on those rows).

        In strict mode it fails like :meth:`check`; in record mode (refreshed data, where the
        sample is meant to differ) it is neither checked nor recorded.

        Parameters
        ----------
        name : str
            What is checked, in words (shown if it fails).
        condition : bool
            Whether it holds (a Python or numpy boolean).
        **numbers
            The numbers it compares, shown if it fails.

        Returns
        -------
        bool
            Whether it holds (always True in record mode).
        """
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        _condition(condition)
        if self.mode != "strict" or bool(condition):
            return True
        shown = ", ".join(f"{k} = {_number(v, k)}" for k, v in numbers.items())
        raise AssertionError(f"the embedded sample of {self.chapter} is not as expected: {name}"
                             + (f" ({shown})" if shown else "") + "; run `make data` if the files changed")

    def save(self, folder=None) -> Path | None:
        """Write the record to ``<folder>/<chapter>.json`` and return its path.

        In record mode the record is always written (``folder`` defaults to
        :func:`claims_folder`). In strict mode every claim held (a failing one raised), and
        the record is written only where one is asked for: ``folder`` given, or
        ``VRP_CLAIMS_DIR`` set (the book build sets it, so that the embedded book's claims
        page lists every claim); otherwise nothing is written and None is returned, so that
        running a chapter (nbval, a participant) leaves no file behind.
        """
        if self.mode != "record" and folder is None and not os.environ.get("VRP_CLAIMS_DIR"):
            return None
        out = _folder(folder, must_exist=False)
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{self.chapter}.json"
        body = {"chapter": self.chapter, "first": str(self.first.date()), "last": str(self.last.date()),
                "data": data.data_choice(), "claims": [asdict(c) for c in self.claims]}
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(body, indent=1), encoding="utf-8")
        os.replace(tmp, path)
        return path


def _condition(condition) -> bool:
    """A claim's condition: a Python or numpy boolean (never a number or an array)."""
    if not isinstance(condition, (bool, np.bool_)):
        raise _checks.ArgumentTypeError(f"condition must be True or False, got {_checks._what(condition)}")
    return bool(condition)


def _day(ts: pd.Timestamp) -> str:
    return f"{ts.day} {ts:%B %Y}"


def collect(folder=None) -> pd.DataFrame:
    """Every recorded claim in ``folder`` (default :func:`claims_folder`), one row each.

    Returns
    -------
    pandas.DataFrame
        Columns ``chapter, name, sentence, holds, numbers, first, last, data`` (``data``:
        "embedded" or "latest", as ``VRP_DATA`` was when the chapter ran); empty (with
        those columns) when nothing was recorded.
    """
    src = _folder(folder, must_exist=folder is not None)
    cols = ["chapter", "name", "sentence", "holds", "numbers", "first", "last", "data"]
    rows = []
    for path in sorted(src.glob("*.json")) if src.is_dir() else []:
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            for c in body["claims"]:
                rows.append({**{k: c[k] for k in ("chapter", "name", "sentence", "holds", "numbers")},
                             "first": body["first"], "last": body["last"],
                             "data": body.get("data", "latest")})
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a claims record ({exc}); re-run the chapter") from None
    return pd.DataFrame(rows, columns=cols)


def _chapter_name(stem: str) -> str:
    """``"04_regimes"`` -> ``"Chapter 4 (04_regimes)"``; other stems unchanged."""
    head = stem.split("_", 1)[0]
    return f"Chapter {int(head)} ({stem})" if head.isdigit() else stem


def page(folder=None, heading: bool = True) -> str:
    """The Markdown of the page "Claims on data to DATE" from :func:`collect`.

    One table per chapter: each claim's sentence, "holds" or "no longer holds", and its
    numbers; above them, how many hold in all and the span of the data.

    Parameters
    ----------
    folder : path, optional
        Where the records are (default :func:`claims_folder`).
    heading : bool, default True
        Start with a level-1 title and give each chapter a level-2 heading. ``False`` gives
        the same text without headings (bold lines instead), for a notebook cell's output
        under the page's own title.
    """
    if not isinstance(heading, bool):
        raise _checks.ArgumentTypeError(f"heading must be True or False, got {_checks._what(heading)}")
    df = collect(folder)
    if df.empty:
        text = ("No claims were recorded: the chapters record them while `make book` (embedded data) "
                "or `make book VRP_DATA=latest` (after `make refresh`) executes them.\n")
        return ("# Claims on the data\n\n" + text) if heading else text
    last = max(df["last"])
    held = int(df["holds"].sum())
    which = "refreshed" if (df["data"] == "latest").any() else "embedded"
    lines = ([f"# Claims on data to {last}", ""] if heading else []) + [
        f"**Claims on data to {last}** ({which} data): {held} of {len(df)} claims the chapters make "
        f"hold; {len(df) - held} no longer hold.", ""]
    for chapter, part in df.groupby("chapter", sort=True):
        title = f"{_chapter_name(chapter)}, data {part['first'].iloc[0]} to {part['last'].iloc[0]}"
        lines += [f"## {title}" if heading else f"**{title}**", "",
                  "| Claim | Verdict | Numbers |", "| :--- | :--- | :--- |"]
        for _, row in part.iterrows():
            nums = "; ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}"
                             for k, v in row["numbers"].items())
            verdict = "holds" if row["holds"] else "**no longer holds**"
            lines.append(f"| {row['sentence'].replace('|', '/')} | {verdict} | {nums} |")
        lines.append("")
    return "\n".join(lines)
