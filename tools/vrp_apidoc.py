"""Sphinx extension: module docstrings of ``vrp_lib`` on one API page (``api.md``).

Loaded by ``_config.yml`` (``sphinx: local_extensions: {vrp_apidoc: tools}``). The API
reference documents every module on one page with ``automodule``. A module docstring may
have its own headed sections (``Units`` underlined with dashes); autodoc parses them as real
sections, so two modules with a ``Units`` section give two elements with the id ``units``
(a duplicate-ID error under ``-W``) and the page's table of contents fills with them.
numpydoc leaves module docstrings as they are. This hook turns each underlined heading of a
module docstring into a ``.. rubric::`` (a bold heading without an id), as numpydoc does
for the sections of a function's docstring.
"""

from __future__ import annotations

import re

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


def setup(app):
    # priority below numpydoc's (which runs at the default 500) is not needed: numpydoc
    # leaves module docstrings alone.
    app.connect("autodoc-process-docstring", _process)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
