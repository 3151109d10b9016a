"""The search index of a rebuild as a clean build writes it: two shortfalls of Sphinx mended.

Sphinx (through 9.x, its issue #12599) keeps each page's index entries (the terms of
``index`` directives and of the topology objects' entries) in the environment as the page is
written, after the environment was saved: a rebuild then writes a ``searchindex.js`` with
the entries of the pages it wrote only, and the index entries of every other page are gone
from search. So the entries are saved beside the environment when a build ends and given
back, for the pages that are not written again, before the next one writes. And a rebuild
drops the pages it writes again from each word's pages, keeping the words left with none: the
index lists them, empty, until a clean build; they are dropped before the pages are fed again.
Where Sphinx keeps these elsewhere (another version), this does nothing.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from topodoc.util.atomic import write_bytes

FILE = "topodoc-index-entries.pickle"
ATTRIBUTE = "_search_index_index_entries"  # Sphinx's: docname -> its index entries


def restore(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: every page's entries as the last build's search index held them
    (what the environment has was saved before that build wrote its pages); none of pages
    no longer there."""
    entries = getattr(env, ATTRIBUTE, None)
    if not isinstance(entries, dict):
        return
    for docname in [d for d in entries if d not in env.all_docs]:
        del entries[docname]  # a page removed (Sphinx never drops its entries)
    try:
        saved: Any = pickle.loads(Path(env.doctreedir, FILE).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return
    if isinstance(saved, dict):
        for docname in env.all_docs:  # the saved are the newer: saved after the writing
            if isinstance(saved.get(docname), list):
                entries[docname] = saved[docname]


def save(app: Sphinx) -> None:
    """At the end of a build: every page's entries, as its search index holds them."""
    entries = getattr(app.env, ATTRIBUTE, None)
    if isinstance(entries, dict) and app.builder.format == "html":
        kept = {d: e for d, e in sorted(entries.items()) if d in app.env.all_docs}
        try:
            write_bytes(
                Path(app.env.doctreedir, FILE),
                pickle.dumps(kept, pickle.HIGHEST_PROTOCOL),
                durable=False,
            )
        except OSError:  # the next rebuild's search misses some entries, as without this
            pass


def drop_emptied_words(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``, once per build (the search index has dropped the pages to be
    written by then): the words no page has any more."""
    indexer = getattr(app.builder, "indexer", None)
    if indexer is None or getattr(indexer, "topodoc_emptied_dropped", False):
        return
    for name in ("_mapping", "_title_mapping"):
        mapping = getattr(indexer, name, None)
        if isinstance(mapping, dict):
            for word in [word for word, pages in mapping.items() if not pages]:
                del mapping[word]
    indexer.topodoc_emptied_dropped = True
