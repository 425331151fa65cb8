"""Sphinx extension: module docstrings of ``vrp_lib`` on one API page (``api.md``).

Loaded by ``_config.yml`` (``sphinx: local_extensions: {vrp_apidoc: tools}``). The API
reference documents every module on one page with ``automodule``. A module docstring may
have its own headed sections (``Units`` underlined with dashes); autodoc parses them as real
sections, so two modules with a ``Units`` section give two elements with the id ``units``
(a duplicate-ID error under ``-W``) and the page's table of contents fills with them.
numpydoc leaves module docstrings as they are. This hook turns each underlined heading of a
module docstring into a ``.. rubric::`` (a bold heading without an id), as numpydoc does
for the sections of a function's docstring.

It also leaves out the value of a module constant that is a path (``DATA_DIR``: the folder
of the machine that built the book, meaningless to a reader and different on every clone)
or whose text is longer than a line (``SOURCES``, ``CRISES``: their docstrings and the
source describe them); short values such as ``TRADING_DAYS = 252`` stay.

``_static/vrp-api.css`` lets the long names and signatures of the page wrap on a phone.
"""

from __future__ import annotations

import os
import re

from sphinx.ext import autodoc
from sphinx.util.inspect import object_description

_MAX_VALUE = 60

_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+<>:.])\1{2,}\s*$")


def _rubrics(lines: list[str]) -> None:
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        title = line.strip()
        if (title and not line.startswith(" ") and _UNDERLINE.match(nxt)
                and len(nxt.strip()) >= len(title) and not _UNDERLINE.match(line)):
            out += [f".. rubric:: {title}", ""]
            i += 2
            continue
        out.append(line)
        i += 1
    lines[:] = out


def _process(app, what, name, obj, options, lines):  # noqa: ARG001 - Sphinx's signature
    if what == "module" and name.startswith("vrp_lib"):
        _rubrics(lines)


class _DataDocumenter(autodoc.DataDocumenter):
    """autodoc's ``data`` documenter, without the value of a path or of a long constant."""

    def should_suppress_value_header(self) -> bool:
        if isinstance(self.object, os.PathLike):
            return True
        try:
            long = len(object_description(self.object)) > _MAX_VALUE
        except Exception:  # noqa: BLE001 - an object without a description: no value shown
            long = True
        return long or super().should_suppress_value_header()


def setup(app):
    app.setup_extension("sphinx.ext.autodoc")
    app.add_autodocumenter(_DataDocumenter, override=True)
    # priority below numpydoc's (which runs at the default 500) is not needed: numpydoc
    # leaves module docstrings alone.
    app.connect("autodoc-process-docstring", _process)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
