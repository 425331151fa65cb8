"""Self-checking exercises: ``check("1.2", answer)`` says right, close or wrong, with a hint.

The expected answers are not typed by hand. Each chapter's hidden check cell calls
:func:`verify` with the value its solution computed; the call asserts that the value equals
the one stored in ``vrp_lib/answers.json`` within the exercise's tolerance, so a chapter whose
answer changes fails its nbval check until the file is recorded again
(``python tools/make_answers.py``, which runs the chapters with ``VRP_RECORD_ANSWERS`` set:
:func:`verify` then appends the value to that file instead of asserting).

``answers.json`` holds, per exercise id ("N.M", the number the HTML book shows):

- ``label``, ``title``: the exercise's label and title in its chapter;
- ``kind``: ``"number"`` (one number), ``"numbers"`` (named numbers, a dict), ``"discussion"``
  (no number: :func:`check` prints the key points to compare with) or ``"pending"`` (a
  chapter being revised: no answer recorded yet; ``to_verify`` holds the solution's value
  to check, for ``tools/make_answers.py --insert``);
- ``expected``: the recorded value (a number, or a dict name -> number);
- ``tolerance``: ``{"abs": a}`` or ``{"rel": r}``, the band of a right answer (a relative
  tolerance is taken of the expected value's size); ``close``: the same for "close", by
  default ten times the tolerance;
- ``hint`` (printed when the answer is not right), ``key_points`` (printed with a right answer
  and for a discussion) and ``skeleton`` (the first lines of the student notebook's answer
  cell, ``tools/make_student.py``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from vrp_lib import _checks, data

__all__ = ["check", "grade", "verify", "expected", "exercise_ids", "ANSWERS_FILE", "RECORD_ENV",
           "VERDICTS"]

#: The recorded answers (committed; written by ``tools/make_answers.py``).
ANSWERS_FILE = Path(__file__).with_name("answers.json")
#: Environment variable: when set to a file path, :func:`verify` records there instead of asserting.
RECORD_ENV = "VRP_RECORD_ANSWERS"
#: What :func:`grade` can say.
VERDICTS = ("right", "close", "wrong", "unanswered", "discussion", "pending")
#: ``close`` band when an entry gives none: this many times its tolerance.
CLOSE_FACTOR = 10.0
KINDS = ("number", "numbers", "discussion", "pending")
_ID = re.compile(r"^\d+\.\d+$")


@lru_cache(maxsize=1)
def _answers() -> dict:
    return json.loads(ANSWERS_FILE.read_text(encoding="utf-8"))["exercises"]


def exercise_ids() -> list[str]:
    """The ids of all recorded exercises ("1.1", "1.2", ...), in chapter order.

    Returns
    -------
    list of str
        Ids "N.M": chapter N, M-th exercise of the chapter.
    """
    return sorted(_answers(), key=lambda k: tuple(int(p) for p in k.split(".")))


def _entry(exercise_id) -> dict:
    _checks.text(exercise_id, "exercise_id")
    if not _ID.match(exercise_id.strip()):
        raise ValueError(f"exercise_id must look like '4.1' (chapter.exercise), got {exercise_id!r}")
    key = exercise_id.strip()
    if key not in _answers():
        chapter = key.split(".")[0] + "."
        known = [k for k in exercise_ids() if k.startswith(chapter)] or exercise_ids()
        raise ValueError(f"exercise_id {key!r} is not a known exercise; known: {', '.join(known)}")
    return _answers()[key]


def expected(exercise_id: str):
    """The recorded answer of an exercise (the value its solution computed).

    Parameters
    ----------
    exercise_id : str
        "N.M", as the book numbers the exercise.

    Returns
    -------
    float or dict or None
        The number, the named numbers (in the units the exercise asks for), or None for a
        discussion or a pending exercise.
    """
    entry = _entry(exercise_id)
    value = entry.get("expected")
    return dict(value) if isinstance(value, dict) else value


def _band(spec: dict, scale: float, name: str) -> float:
    if "abs" in spec:
        return float(spec["abs"])
    if "rel" in spec:
        return float(spec["rel"]) * abs(scale)
    raise ValueError(f"answers.json: {name} needs 'abs' or 'rel', got {spec!r}")


def _unanswered(answer) -> bool:
    if answer is Ellipsis:
        return True
    return isinstance(answer, Mapping) and any(v is Ellipsis for v in answer.values())


def _number(x, name: str) -> float:
    if isinstance(x, (list, tuple, dict, set)) or (hasattr(x, "shape") and getattr(x, "ndim", 0) > 0):
        raise _checks.ArgumentTypeError(f"{name} must be one number, got {type(x).__name__}")
    if hasattr(x, "item") and not isinstance(x, (bool, str, bytes)):
        x = x.item()
    return _checks.finite(x, name)


def _numbers(answer, keys: list[str], name: str) -> dict[str, float]:
    if hasattr(answer, "to_dict") and not isinstance(answer, Mapping):  # a pandas Series
        answer = answer.to_dict()
    if not isinstance(answer, Mapping):
        raise _checks.ArgumentTypeError(
            f"{name} must be a dict with the keys {keys} (for example "
            f"{{{', '.join(repr(k) + ': ...' for k in keys)}}}), got {_checks._what(answer)}")
    missing = [k for k in keys if k not in answer]
    extra = [k for k in answer if k not in keys]
    if missing or extra:
        raise ValueError(f"{name} must have the keys {keys}"
                         + (f"; missing {missing}" if missing else "")
                         + (f"; unexpected {extra}" if extra else ""))
    return {k: _number(answer[k], f"{name}[{k!r}]") for k in keys}


def _compare(value: float, target: float, entry: dict) -> tuple[str, str]:
    """Verdict and a short note for one number."""
    tol = _band(entry["tolerance"], target, "tolerance")
    close = _band(entry["close"], target, "close") if "close" in entry else CLOSE_FACTOR * tol
    err = abs(value - target)
    if err <= tol:
        return "right", ""
    for factor, what in ((100.0, "a percentage where a fraction is asked"),
                         (0.01, "a fraction where a percentage is asked")):
        if target != 0 and abs(value / factor - target) <= tol:
            return "close", f"off by a factor {factor:g}: {what}?"
    size = f"{100 * err / abs(target):.2g}%" if target else f"{err:.3g}"
    side = "high" if value > target else "low"
    return ("close" if err <= close else "wrong"), f"{size} too {side}"


def grade(exercise_id: str, answer) -> tuple[str, str]:
    """Compare an answer with the recorded one, without printing.

    Parameters
    ----------
    exercise_id : str
        "N.M", as the book numbers the exercise.
    answer : float, dict, str or Ellipsis
        A number (in the exercise's units), a dict of named numbers when the exercise asks for
        several, or any text for a discussion exercise. ``...`` (the skeleton's placeholder, or
        in a dict's value) means not answered yet.

    Returns
    -------
    tuple of (str, str)
        The verdict (one of :data:`VERDICTS`) and the message :func:`check` prints.

    Raises
    ------
    ValueError
        An unknown exercise id, NaN or inf, a dict with missing or unexpected keys.
    TypeError
        An answer of the wrong type (a string or a boolean for a number, a list for one number).
    """
    entry = _entry(exercise_id)
    head = f"Exercise {exercise_id.strip()} ({entry.get('title', '')})"
    kind = entry["kind"]
    points = "".join(f"\n  - {p}" for p in entry.get("key_points", []))
    if _unanswered(answer):
        return "unanswered", f"{head}: not answered yet: replace the ... with your answer."
    if kind == "pending":
        return "pending", (f"{head}: no answer recorded yet (the chapter is being revised); "
                           f"compare with the key points:{points}")
    if kind == "discussion":
        if answer is None or not isinstance(answer, str):
            raise _checks.ArgumentTypeError(f"answer of a discussion exercise must be your text "
                                            f"(a string), got {_checks._what(answer)}")
        if not answer.strip():
            return "unanswered", f"{head}: not answered yet: write your answer in the string."
        return "discussion", f"{head}: compare your answer with the key points:{points}"
    if kind == "number":
        values, targets = {"answer": _number(answer, "answer")}, {"answer": float(entry["expected"])}
    else:
        targets = {k: float(v) for k, v in entry["expected"].items()}
        values = _numbers(answer, list(targets), "answer")
    verdicts = {k: _compare(values[k], targets[k], entry) for k in targets}
    order = {"right": 0, "close": 1, "wrong": 2}
    verdict = max((v for v, _ in verdicts.values()), key=order.get)
    if verdict == "right":
        return "right", f"{head}: right.{points}"
    notes = "; ".join(f"{k if kind == 'numbers' else 'your answer'}: {note}"
                      for k, (v, note) in verdicts.items() if v != "right")
    word = "close" if verdict == "close" else "not yet"
    return verdict, f"{head}: {word} ({notes}).\n  Hint: {entry.get('hint', '')}"


def check(exercise_id: str, answer) -> None:
    """Print whether an answer is right, close or wrong, with a hint (never raises for a wrong
    answer).

    Parameters
    ----------
    exercise_id : str
        "N.M", as the book numbers the exercise.
    answer : float, dict, str or Ellipsis
        See :func:`grade`.

    Raises
    ------
    ValueError, TypeError
        As :func:`grade`: an unknown exercise id, or an answer of the wrong type or shape.

    Notes
    -----
    The recorded answers are computed on the embedded data. With ``VRP_DATA=latest`` the
    verdict is printed after a line saying so: on refreshed data a right answer may differ.
    """
    message = grade(exercise_id, answer)[1]
    if data.data_choice() == "latest":
        message = ("(The recorded answers are for the embedded data; VRP_DATA=latest is set, so a "
                   "right answer on the refreshed data may differ.)\n" + message)
    print(message)


def _plain(value, name: str):
    """A JSON-ready copy of a solution's value: a finite float, or a dict of them."""
    if hasattr(value, "to_dict") and not isinstance(value, Mapping):
        value = value.to_dict()
    if isinstance(value, Mapping):
        if not value:
            raise ValueError(f"{name} must not be an empty dict")
        return {str(k): _number(v, f"{name}[{k!r}]") for k, v in value.items()}
    return _number(value, name)


def verify(exercise_id: str, value) -> None:
    """Assert that a solution's value is the recorded answer (the chapters' hidden check cells).

    With the environment variable :data:`RECORD_ENV` set to a file path, the value is appended
    to that file (one JSON object a line) instead: ``tools/make_answers.py`` records the
    chapters' answers this way.

    Parameters
    ----------
    exercise_id : str
        "N.M", as the book numbers the exercise.
    value : float or dict
        The solution's computed number, or its named numbers (the keys of the recorded answer).

    Raises
    ------
    AssertionError
        The value is not within the exercise's tolerance of the recorded answer (re-record
        with ``python tools/make_answers.py`` if the chapter changed on purpose), or the
        exercise has no recorded answer.
    ValueError, TypeError
        An unknown exercise id (outside recording), NaN or inf, a value of the wrong shape.

    Notes
    -----
    With ``VRP_DATA=latest`` (refreshed data) the value is only checked for NaN, inf and
    type: the recorded answers are those of the embedded data.
    """
    record = os.environ.get(RECORD_ENV, "")
    if record:
        _checks.text(exercise_id, "exercise_id")
        if not _ID.match(exercise_id.strip()):
            raise ValueError(f"exercise_id must look like '4.1', got {exercise_id!r}")
        line = json.dumps({"id": exercise_id.strip(), "value": _plain(value, "value")})
        with open(record, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return
    entry = _entry(exercise_id)
    if data.data_choice() == "latest":
        _plain(value, "value")  # still refuse NaN, inf and wrong types
        return  # the recorded answers are those of the embedded data, not of a refresh
    if entry["kind"] not in ("number", "numbers"):
        raise AssertionError(f"exercise {exercise_id} has no recorded number (kind "
                             f"{entry['kind']!r}): record it with python tools/make_answers.py")
    value = _plain(value, "value")
    if entry["kind"] == "number" and isinstance(value, dict):
        raise ValueError(f"value must be one number for exercise {exercise_id}, got a dict")
    verdict, message = grade(exercise_id, value)
    if verdict != "right":
        raise AssertionError(f"the solution's value differs from vrp_lib/answers.json: {message}\n"
                             "If the chapter changed on purpose, record again: "
                             "python tools/make_answers.py")
