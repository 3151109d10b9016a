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
from sphinx.config import Config
from sphinx.environment import CONFIG_OK, BuildEnvironment
from sphinx.util.typing import ExtensionMetadata

from topodoc import __version__
from topodoc.diagrams.graphviz import cjk_font_available

from .directives import DIRECTIVES
from .domain import TopoDomain, topo_domain
from .nodes import topodoc_graph
from .pages import reference_pages_in_place, write_reference_pages
from .render import VISITORS
from .settings import CONFIG_VALUES, read_settings
from .warn import warn

if TYPE_CHECKING:
    from topodoc.model.objects import Model

STATIC = Path(__file__).parent / "static"


def add_static_path(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(STATIC))


def read_topology(app: Sphinx) -> None:
    """Read the settings; when the topology changed, load it and write the reference pages."""
    settings = read_settings(app.config, Path(app.confdir))
    reference_dir = Path(app.srcdir, settings.reference_dir) if settings.reference_dir else None
    reusable = app.env.config_status == CONFIG_OK and \
        (reference_dir is None or reference_pages_in_place(reference_dir))
    domain = topo_domain(app.env)
    if not domain.start(settings, reusable):
        return
    lab = domain.lab
    if reference_dir:
        write_reference_pages(reference_dir, lab.model)
    raster = app.builder.format == "latex" or settings.output_format == "png" \
        and app.builder.format == "html"
    if raster and _has_cjk(lab.model) and not cjk_font_available():
        warn("font", "the topology has Chinese (CJK) text but no CJK font is installed: it "
             "shows as empty boxes in PNG and PDF diagrams (Debian: fonts-wqy-microhei)")


def _has_cjk(model: Model) -> bool:
    return any(not (obj.title + obj.description).isascii() for obj in model)


def outdated_by_topology(app: Sphinx, env: BuildEnvironment, added: set[str],
                         changed: set[str], removed: set[str]) -> list[str]:
    """Every page showing topology data, when the topology's content hash changed; every
    page showing the drift report, when it changed."""
    return topo_domain(env).outdated_docs(removed)


def load_before_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Pages are about to be read, maybe by parallel processes: load the topology first, once,
    in this process (a no-change rebuild reads nothing and never loads it)."""
    if docnames:
        topo_domain(env).lab  # noqa: B018  (loads it)


def note_topology_refs(app: Sphinx, doctree: nodes.document) -> None:
    """A page linking to an object (``:topo:`` roles, ``:ref:`` to an object's label) shows
    its title, so it is re-read too when the topology changes."""
    domain = topo_domain(app.env)
    labels = {label.lower() for label in domain.lab.model.labels}
    for ref in doctree.findall(addnodes.pending_xref):
        if ref.get("refdomain") == "topo" or \
                ref.get("reftype") == "ref" and ref.get("reftarget") in labels:
            domain.note_topology_use(app.env.current_document.docname)
            return


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

    # Event order of one build:
    # 1. config-inited: the stylesheet's directory joins html_static_path.
    app.connect("config-inited", add_static_path)
    # 2. builder-inited: settings read; unless the topology's files are byte for byte those
    #    the pages were read with, it is loaded (its problems become warnings at their YAML
    #    FILE:LINE), once, and the reference pages are written as .rst sources.
    app.connect("builder-inited", read_topology)
    # 3. env-get-outdated: the topology's content hash changed -> every page showing
    #    topology data is re-read (mtimes are not enough: CI checkouts reset them); the
    #    same for the drift report and the pages showing it.
    app.connect("env-get-outdated", outdated_by_topology)
    # 3b. env-before-read-docs: pages to read -> the topology is loaded now, before any
    #    parallel reader starts, if it was not yet.
    app.connect("env-before-read-docs", load_before_reading)
    # 4. reading (possibly in parallel): directives check their options against the model
    #    and leave placeholders; the domain records entries and the pages using the
    #    topology (clear_doc on re-read, merge_domaindata from parallel readers).
    app.connect("doctree-read", note_topology_refs)
    # 5. doctree-resolved: placeholders become cards, tables and DOT, linking to entries;
    #    the writer then draws each DOT through sphinx.ext.graphviz's image cache.
    app.connect("doctree-resolved", resolve_placeholders)
    return {"version": __version__, "env_version": 1, "parallel_read_safe": True,
            "parallel_write_safe": True}
