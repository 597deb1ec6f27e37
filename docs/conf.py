"""Sphinx configuration of the API reference and user guide (``make docs``).

Offline by design: no intersphinx, no theme that fetches fonts or scripts, no MathJax;
every warning is an error (``-W`` in the Makefile).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geo  # noqa: E402  (after the path: the checkout's geo, not an installed one)

project = "iran-estates"
author = "the iran-estates authors"
copyright = "the iran-estates authors"  # noqa: A001  (Sphinx's name)
release = version = geo.__version__

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
root_doc = "index"

# The page's own files only: alabaster ships its CSS and the search script; nothing is
# fetched when a reader opens the pages.
html_theme = "alabaster"
html_theme_options = {"font_family": "sans-serif", "head_font_family": "sans-serif"}
html_static_path: list[str] = []
html_last_updated_fmt = None
html_copy_source = False
html_show_sphinx = False

autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# README.md links files of the repository (ARCHITECTURE.md, data/...), which are not
# pages of this site: MyST keeps them as plain links.
myst_heading_anchors = 3
suppress_warnings = ["myst.xref_missing"]
