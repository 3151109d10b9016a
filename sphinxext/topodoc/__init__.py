"""topodoc's Sphinx extension: diagrams, tables, failure impact and reference pages, all views
of the one topology, and a ``topo`` domain to link to any object.

A thin shell over :mod:`topodoc` (the core never imports Sphinx): it reads the configuration,
asks the core for a model, a view, a table, and hands nodes to Sphinx.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.config import Config
from sphinx.environment import CONFIG_OK, BuildEnvironment
from sphinx.util.typing import ExtensionMetadata

from topodoc import __version__
from topodoc.diagrams.graphviz import cjk_font_available

from . import index_entries
from .directives import DIRECTIVES
from .domain import TopoDomain, topo_domain
from .i18n import CATALOG, LOCALE_DIR
from .nodes import topodoc_graph
from .pages import reference_pages_in_place, write_reference_pages
from .render import VISITORS
from .settings import CONFIG_VALUES, read_settings
from .warn import verbose, warn
from .widths import save_fitted_widths

if TYPE_CHECKING:
    from topodoc.model.objects import Model

STATIC = Path(__file__).parent / "static"


def add_static_path(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(STATIC))


def read_topology(app: Sphinx) -> None:
    """Read the settings; when the topology changed, load it and write the reference pages."""
    settings = read_settings(app.config, Path(app.confdir))
    reference_dir = Path(app.srcdir, settings.reference_dir) if settings.reference_dir else None
    reusable = app.env.config_status == CONFIG_OK and (
        reference_dir is None or reference_pages_in_place(reference_dir)
    )
    domain = topo_domain(app.env)
    if not domain.start(settings, reusable):
        return
    lab = domain.lab
    if reference_dir:
        write_reference_pages(reference_dir, lab.model)
    raster = (
        app.builder.format == "latex"
        or settings.output_format == "png"
        and app.builder.format == "html"
    )
    if raster and _has_cjk(lab.model) and not cjk_font_available():
        warn(
            "font",
            "the topology has Chinese (CJK) text but no CJK font is installed: it "
            "shows as empty boxes in PNG and PDF diagrams (Debian: fonts-wqy-microhei)",
        )


def _has_cjk(model: Model) -> bool:
    return any(not (obj.title + obj.description).isascii() for obj in model)


def outdated_by_topology(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """The pages that read a part of the topology that changed (:mod:`.reads`); every page
    showing the drift report, when it changed."""
    domain = topo_domain(env)
    reference_dir = domain.settings.reference_dir
    contents = [
        doc
        for doc in env.found_docs
        if reference_dir
        and doc.startswith(f"{reference_dir}/")
        and "/" not in doc[len(reference_dir) + 1 :]
    ]
    domain.removed_pages = sorted(
        d for d in removed if reference_dir and d.startswith(f"{reference_dir}/")
    )
    return domain.outdated_docs(removed, contents)


def load_before_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Pages are about to be read, maybe by parallel processes: load the topology first, once,
    in this process (a no-change rebuild reads nothing and never loads it)."""
    if docnames:
        domain = topo_domain(env)
        domain.start_reading(docnames)
        domain.lab  # noqa: B018  (loads it)


def note_topology_refs(app: Sphinx, doctree: nodes.document) -> None:
    """A page linking to an object (``:topo:`` roles, ``:ref:`` to an object's label) shows
    its title: it is read again when that object changes, or the label moves."""
    keys = [
        f"o:{ref['reftarget']}"
        if ref.get("refdomain") == "topo"
        else f"label:{ref['reftarget'].lower()}"
        for ref in doctree.findall(addnodes.pending_xref)
        if ref.get("refdomain") == "topo" or ref.get("reftype") == "ref"
    ]
    if keys:
        topo_domain(app.env).note_reads(app.env.current_document.docname, *keys)


def save_written(app: Sphinx, exception: Exception | None) -> None:
    domain = topo_domain(app.env)
    domain.finish_writing()
    if exception is None:
        domain.save_written()
        save_fitted_widths(app.builder)
        index_entries.save(app)
        remove_pages_of_removed_objects(app.builder, domain.removed_pages)


def remove_pages_of_removed_objects(builder: Builder, docnames: list[str]) -> None:
    """The written pages of objects no longer in the topology (removed or renamed) are
    deleted: Sphinx keeps the output of a removed source, and a reader following an old
    link would read an object that no longer exists as if it did."""
    if not isinstance(builder, StandaloneHTMLBuilder):  # one file per page (dirhtml too)
        return
    for docname in docnames:
        Path(builder.get_outfilename(docname)).unlink(missing_ok=True)
        verbose(f"topodoc: removed the page of {docname}, no longer in the topology")


def resolve_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Placeholders -> content (:mod:`.resolve`, imported with the first page written: a
    build that writes nothing never imports the diagram and table code)."""
    from .resolve import resolve_placeholders as resolve

    resolve(app, doctree, docname)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinx.ext.graphviz")
    for name, (default, types) in CONFIG_VALUES.items():
        app.add_config_value(name, default, "env", types=types)
    app.add_domain(TopoDomain)
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
    app.add_node(topodoc_graph, False, **VISITORS)  # False: override no other node
    app.add_css_file("topodoc.css")
    app.add_js_file("topodoc.js", defer="defer")  # pan, zoom, full screen
    app.add_message_catalog(CATALOG, str(LOCALE_DIR))  # the words it writes, translated

    # Event order of one build:
    # 1. config-inited: the static files' directory (topodoc.css, topodoc.js) joins
    #    html_static_path: Sphinx copies them, from wherever the package is installed.
    app.connect("config-inited", add_static_path)
    # 2. builder-inited: settings read; unless the topology's files are byte for byte those
    #    the pages were read with, it is loaded (its problems become warnings at their YAML
    #    FILE:LINE), once, and the reference pages are written as .rst sources.
    app.connect("builder-inited", read_topology)
    # 3. env-get-outdated: the topology's files changed -> the hash of each object (and
    #    view, kind, label) is compared with the last build's, and the pages that read one
    #    that changed are re-read (mtimes are not enough: CI checkouts reset them); the
    #    pages showing the drift report, when it changed.
    app.connect("env-get-outdated", outdated_by_topology)
    # 3b. env-before-read-docs: pages to read -> the topology is loaded now, before any
    #    parallel reader starts, if it was not yet.
    app.connect("env-before-read-docs", load_before_reading)
    # 4. reading (possibly in parallel): directives check their options against the model
    #    and leave placeholders; the domain records entries and the pages using the
    #    topology (clear_doc on re-read, merge_domaindata from parallel readers).
    app.connect("doctree-read", note_topology_refs)
    # 4b. env-updated: the search index entries of pages not written again are given back
    #    (:mod:`.index_entries`, for a Sphinx bug).
    app.connect("env-updated", index_entries.restore)
    # 5. doctree-resolved: placeholders become cards, tables and DOT, linking to entries;
    #    the writer then draws each DOT through sphinx.ext.graphviz's image cache.
    #    What each page's placeholders read is noted (:mod:`.reads`).
    app.connect("doctree-resolved", resolve_placeholders)
    app.connect("doctree-resolved", index_entries.drop_emptied_words)
    #    The diagrams of the next pages to write are laid out meanwhile (:mod:`.ahead`).
    # 6. build-finished: what the written pages read, and the width each diagram was fitted
    #    to, are saved beside the environment; the pages of removed objects are deleted.
    app.connect("build-finished", save_written)
    return {
        "version": __version__,
        "env_version": 3,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
