"""``topodoc-table`` and ``topodoc-impact`` placeholders -> docutils tables with links."""

from __future__ import annotations

from docutils import nodes

from topodoc.analysis.impact import Impact, impact_table
from topodoc.analysis.impact_text import COLUMNS, fraction_text, impact_rows
from topodoc.model.objects import Cluster

from .context import Context
from .i18n import _, kind_word, value
from .markup import Cell, Cells, para, table
from .nodes import Placeholder

#: The columns (of any table) that hold object ids: their ids link to the objects' entries.
ID_COLUMNS = frozenset(
    (
        "id",
        "site",
        "failure_domains",
        "host",
        "hosts",
        "runs_on",
        "managed_by",
        "networks",
        "network",
        "clusters",
        "cluster",
        "machines",
        "machine",
        "depends_on",
        "parent",
        "provided_by",
        "backing",
        "used_by",
    )
)


def _cell(ctx: Context, key: str, text: str) -> Cells:
    """A cell's text; in an id column, the ids (comma-separated) become links."""
    parts = [p.strip() for p in text.split(",")]
    if key in ID_COLUMNS and text and all(p in ctx.model.objects for p in parts):
        return [ctx.ref(p) for p in parts]
    return value(text)


def table_node(ctx: Context, node: Placeholder) -> list[nodes.Node]:
    result = ctx.lab.table(node["table"], node["columns"], node["filter"])
    if not result.rows:
        text = (
            _("(no rows in table {table!r} with filter {filter!r})")
            if node["filter"]
            else _("(no rows in table {table!r})")
        )
        return [para(text.format(table=node["table"], filter=node["filter"]))]
    return [
        table(
            [_(c.header) for c in result.columns],
            [[_cell(ctx, c.key, row.value(c.key)) for c in result.columns] for row in result.rows],
            node["caption"],
            node["classes"],
        )
    ]


def _run(parts: list[Cell], sep: str) -> Cell:
    """``parts`` as one line, separated by ``sep``; ``-`` when there are none."""
    if not parts:
        return "-"
    out = nodes.inline()
    for index, part in enumerate(parts):
        out += [nodes.Text(sep)] if index else []
        out += nodes.Text(part) if isinstance(part, str) else part
    return out


def impact_table_node(ctx: Context, node: Placeholder) -> list[nodes.Node]:
    rows = impact_table(ctx.model, list(node["objects"]) or None)
    if not rows:
        return [para(_("(no hosts, failure domains or sites in the topology)"))]
    if node["cluster"] and isinstance(cluster := ctx.model.get(node["cluster"]), Cluster):
        return [_cluster_impact(ctx, rows, cluster, node)]
    cells: list[list[Cells]] = []
    for impact, shown in zip(rows, impact_rows(ctx.model, rows, _), strict=True):
        quorum: list[Cell] = [ctx.ref(c.cluster) for c in impact.clusters if c.quorum_lost]
        control: list[Cell] = [
            nodes.inline(
                "",
                "",
                ctx.ref(c.cluster),
                nodes.Text(f" {fraction_text(c.control_down, c.control)}"),
            )
            for c in impact.clusters
            if c.control_down
        ]
        cells.append(
            [
                ctx.ref(impact.failed),
                kind_word(shown["kind"]),
                shown["down"],
                _run(quorum, ", "),
                _run(control, "; "),
            ]
        )
    return [
        table(
            [_(header.capitalize()) for _key, header in COLUMNS],
            cells,
            node["caption"],
            ["topodoc-impact", *node["classes"]],
        )
    ]


def _cluster_impact(
    ctx: Context, rows: list[Impact], cluster: Cluster, node: Placeholder
) -> nodes.Node:
    """One row per failure: what it costs ``cluster``."""
    members = len(dict.fromkeys(cluster.machines()))
    cells: list[list[Cells]] = []
    for impact in rows:
        hit = next((c for c in impact.clusters if c.cluster == cluster.id), None)
        cells.append(
            [
                ctx.ref(impact.failed),
                kind_word(impact.kind),
                _("{down} of {total}").format(down=hit.members_down if hit else 0, total=members),
                fraction_text(hit.control_down, hit.control) if hit else "0",
                _("lost") if hit and hit.quorum_lost else _("kept"),
                _("down") if hit and hit.down else _("up"),
            ]
        )
    return table(
        (
            _("Failure of"),
            _("Kind"),
            _("Members down"),
            _("Control plane lost"),
            _("Quorum"),
            _("Cluster"),
        ),
        cells,
        node["caption"],
        ["topodoc-impact", *node["classes"]],
    )
