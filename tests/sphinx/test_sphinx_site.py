"""The lab's documentation site (docs/, conf.py at the root), built once with -W."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.util.inventory import InventoryFile
from sphinx_builds import ROOT, Build, anchor_exists, diagram_images, resolve_link, svg_links

from topodoc.diagrams.readability import misses, site_diagrams
from topodoc.reading.load import load_topology
from topodoc.tables.table import build_table

#: The labels the seed page (../shared/seed/000_0a4d23723a6f9e28.txt) links to with :ref:.
SEED_LABELS = (
    "hpe_dl360_gen9",
    "kvm_nested_virtual",
    "kvm",
    "openstack",
    "cockpit",
    "stratis",
    "ovirt",
    "gluster",
    "kubernetes",
    "ha_k8s_external",
    "libvirt",
    "ceph",
    "etcd",
    "vitess",
    "rabbitmq",
    "kafka",
)


def test_site_builds_without_warnings(site: Build) -> None:
    assert site.returncode == 0, site.stderr[-3000:]
    assert site.warnings == []


def test_every_diagram_is_an_svg_whose_links_reach_existing_anchors(site: Build) -> None:
    pages = sorted(site.outdir.rglob("*.html"))
    diagrams = 0
    for page in pages:
        for svg in diagram_images(page):
            assert svg.is_file(), f"{page}: {svg} is missing"
            diagrams += 1
            for href in svg_links(svg):
                target, fragment = resolve_link(svg, href)
                assert anchor_exists(target, fragment), f"{svg.name} ({page}): {href}"
    assert diagrams >= 30  # the seed page's, the manual's, one per reference page
    overview, stack = diagram_images(site.outdir / "architecture.html")[:2]
    links = {resolve_link(overview, h)[1] for h in svg_links(overview)}
    assert {"topo-zcloud", "topo-z-k8s", "topo-zcloud-openstack", "topo-home-rack"} <= links
    assert "topo-z-k8s-m-1" not in links  # the overview: hosts, clusters, networks only
    links = {resolve_link(stack, h)[1] for h in svg_links(stack)}
    assert {"topo-zcloud", "topo-z-k8s-m-1", "topo-os-k8s-n-2", "topo-zcloud-openstack"} <= links


def test_every_diagram_reads_in_the_page(site: Build) -> None:
    """The readability measure on the built site: every target of issue 10, item 2."""
    diagrams = list(site_diagrams(site.outdir))
    assert len(diagrams) >= 50  # one per theme pair: the dark copies are not counted twice
    assert {d.page for d in diagrams} >= {
        "architecture.html",
        "kubernetes.html",
        "reference/host/zcloud.html",
    }
    assert sum(d.reference for d in diagrams) >= 40
    assert misses(diagrams) == []
    narrative = [d for d in diagrams if not d.reference]
    assert min(d.text_px for d in narrative) >= 10
    assert all(d.edge_labels == 0 for d in diagrams)  # the legend says what each line means
    overview, stack = [d for d in diagrams if d.page == "architecture.html"][:2]
    assert overview.nodes < 30 and stack.boxes >= 4  # bands and what runs on each machine


def test_the_seed_page_labels_resolve(site: Build) -> None:
    inventory = InventoryFile.loads((site.outdir / "objects.inv").read_bytes(), uri="")
    labels = inventory.data["std:label"]
    page = site.outdir / "architecture.html"
    for label in SEED_LABELS:
        assert label in labels, label
        target, fragment = resolve_link(page, labels[label].uri)
        assert anchor_exists(target, fragment), (label, labels[label].uri)
    assert labels["hpe_dl360_gen9"].uri == "reference/host/zcloud.html#topo-zcloud"
    assert labels["kubernetes"].uri == "kubernetes.html#kubernetes"
    used = re.findall(r"(?<!\w):ref:`([^`]+)`", (ROOT / "docs/architecture.rst").read_text("utf-8"))
    assert set(SEED_LABELS) <= set(used)
    std_refs = re.findall(
        r'<a class="reference internal" href="([^"]+)">'
        r'<span class="std std-ref">',
        page.read_text(encoding="utf-8"),
    )
    assert len(std_refs) == len(used)
    for href in std_refs:
        assert anchor_exists(*resolve_link(page, href)), href


def test_the_seed_page_keeps_its_text_and_adds_the_generated_views(site: Build) -> None:
    html = site.html("architecture.html")
    text = html.get_text()
    for sentence in (
        "2021年10月，我购买了",
        "在一级虚拟机中运行",
        "推荐采用",
        "单节点故障影响从1/3降低到1/6",
        "基础服务部署着重于稳定和简洁",
        "OpenStack和Kubernetes共同部署在3台物理服务器上，底层的基础服务是共享的",
    ):
        assert sentence in text, sentence
    assert "real_cloud.png" not in str(html)
    # the lab's overview and its stack, then each section's own view: kubernetes, openstack,
    # services; each laid out once for both themes (theme auto)
    assert len(html.select("div.topodoc-diagram.topodoc-themed")) == 5
    assert html.select("div.topodoc-diagram.topodoc-theme-dark") == []
    impact = [t for t in html.select("table.topodoc-impact")]
    assert len(impact) == 2
    focus = impact[1].get_text(" ", strip=True)
    assert focus.count("2/6 (=1/3)") == 3  # each physical server: 1/3 of z-k8s's control plane
    assert "1/6" in focus  # a control-plane VM alone
    whole = impact[0].get_text(" ", strip=True)
    assert "z-k8s 2/6 (=1/3)" in whole


def test_reference_pages_for_every_host_cluster_and_service(site: Build) -> None:
    model = load_topology(ROOT / "topology").model
    for kind in ("host", "cluster", "service", "vm", "network", "storage"):
        for obj in model.of_kind(kind):
            page = site.outdir / "reference" / kind / f"{obj.id}.html"
            assert anchor_exists(page, f"topo-{obj.id}"), page
    zcloud = site.html("reference/host/zcloud.html").get_text(" ", strip=True)
    for fact in ("os-k8s-m-1", "ovirt-engine", "z-etcd", "192.168.6.200", "lab-net"):
        assert fact in zcloud, fact  # nested VMs, clusters, addresses, networks
    # the card's capacity is the capacity table's row of that machine
    from sphinxext.topodoc.cards import CAPACITY

    for machine in ("zcloud", "os-compute-1"):
        [row] = build_table(
            model, "capacity", columns=list(CAPACITY), filter=f"machine={machine}"
        ).rows
        page = site.html(f"reference/{model.get(machine).kind}/{machine}.html")
        rubric = next(r for r in page.select("p.rubric") if r.get_text() == "容量")  # Capacity
        cells = [td.get_text(" ", strip=True) for td in rubric.find_next("table").select("td")]
        assert cells == list(row.values), machine


def test_kubernetes_page_lists_the_kubernetes_clusters(site: Build) -> None:
    text = site.html("kubernetes.html").get_text(" ", strip=True)
    for cluster in ("z-k8s", "kvm-k8s", "os-k8s"):
        assert cluster in text


def test_drift_page_embeds_the_demo_report(site: Build, demo_report: Path) -> None:
    report = json.loads(demo_report.read_text(encoding="utf-8"))
    page = site.html("drift.html")
    text = page.get_text(" ", strip=True)
    assert report["checked_at"] in text and "不完整" in text  # the site is zh_CN: Incomplete
    findings = page.select("table.topodoc-drift-findings tbody tr")
    not_ok = [f for f in report["findings"] if f["state"] != "ok"]
    assert len(findings) == len(not_ok) > 0
    states = {row.select("td")[2].get_text(strip=True) for row in findings}
    assert states == {"缺失", "意外存在", "已变更", "无法核实"}  # the site is zh_CN
    shown = {
        (
            row.select("td")[1].get_text(strip=True),
            row.select_one("td span.topodoc-state")["class"][1].removeprefix("topodoc-state-"),
        )
        for row in findings
    }
    assert shown == {(f["key"], f["state"]) for f in not_ok}
    assert {f["state"] for f in not_ok} == {"missing", "unexpected", "changed", "unverifiable"}
    # a documented resource's row links to its object's entry; an unexpected one to none
    for row in findings:
        key, link = row.select("td")[1].get_text(strip=True), row.select("td")[0].find("a")
        documented = not any(f["key"] == key and f["state"] == "unexpected" for f in not_ok)
        assert (link is not None) == documented, key
        if link is not None:
            target, fragment = resolve_link(site.outdir / "drift.html", link["href"])
            assert anchor_exists(target, fragment), link["href"]


def test_reference_pages_show_each_objects_last_state(site: Build, demo_report: Path) -> None:
    report = json.loads(demo_report.read_text(encoding="utf-8"))
    changed = next(
        f for f in report["findings"] if f["key"] == "vm:z-k8s-m-2" and f["state"] == "changed"
    )
    card = site.html("reference/vm/z-k8s-m-2.html").get_text(" ", strip=True)
    assert "最近一次漂移检查" in card and report["checked_at"] in card  # Last drift check
    assert "已变更 memory 8GiB 16GiB" in card, card[card.index("最近一次漂移检查") :]
    assert changed["attribute"] == "memory"
    in_sync = next(
        f["key"].partition(":")[2]
        for f in report["findings"]
        if f["kind"] == "vm" and f["state"] == "ok"
    )
    assert "vm:" + in_sync + " 正常" in site.html(f"reference/vm/{in_sync}.html").get_text(
        " ", strip=True
    )  # ok
    plain = site.html("reference/network/lab-net.html").get_text(" ", strip=True)
    assert "最近一次漂移检查" not in plain  # no resource of the report is about it


def test_every_configuration_value_and_warning_type_is_documented() -> None:
    from sphinxext.topodoc.settings import CONFIG_VALUES
    from sphinxext.topodoc.warn import SUBTYPES

    manual = (ROOT / "docs/manual/configuration.rst").read_text(encoding="utf-8")
    for name in CONFIG_VALUES:
        assert f".. confval:: {name}" in manual
    for subtype in SUBTYPES:
        assert f"``topodoc.{subtype}``" in manual


CHROMIUM = pytest.mark.skipif(
    shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists(),
    reason="Chromium is not installed (Debian: apt-get install chromium)",
)
#: Where the browser check leaves its screenshots: kept after the run, as build artefacts.
SCREENSHOTS = ROOT / "_build" / "screenshots"


def _browser_check(html_dir: Path, *args: str) -> tuple[int, list[dict], str]:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/browser_check.py"),
            "--html-dir",
            str(html_dir),
            "--json",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.returncode, json.loads(done.stdout or "[]"), done.stderr


@CHROMIUM
def test_browser_check_of_the_architecture_and_a_reference_page(site: Build) -> None:
    """Both pages at 1400 and 390 px, light and dark, as a reader sees them."""
    code, reports, stderr = _browser_check(site.outdir, "--screenshots", str(SCREENSHOTS))
    assert code == 0, stderr
    assert {(r["page"], r["width"], r["scheme"]) for r in reports} == {
        (page, width, scheme)
        for page in ("architecture.html", "reference/host/zcloud.html")
        for width in (1400, 390)
        for scheme in ("light", "dark")
    }
    for r in reports:
        assert r["problems"] == [] and r["scrollWidth"] <= r["innerWidth"], r
        assert r["diagrams"] and all(
            "topodoc-themed" in d["theme"]
            and d["column"]["left"] - 1
            <= d["pane"]["left"]
            <= d["pane"]["right"]
            <= d["column"]["right"] + 1
            and d["links"] > 0
            for d in r["diagrams"]
        ), r["diagrams"]
        zoom = r["pan_zoom"]
        assert (
            zoom["before"]
            != zoom["button"]
            != zoom["ctrl_wheel"]
            != zoom["enter"]
            != zoom["key"]
            != zoom["focused_wheel"]
            != zoom["drag"]
        )
        assert zoom["tab"] == [
            "in",
            "out",
            "reset",
            "full",
            "topodoc-diagram-full",
            "topodoc-viewport",
        ]  # keyboard reachable, in this order
        assert zoom["plain_wheel"] == zoom["button"] and zoom["hint"] is True
        assert "scale(1)" in zoom["reset"] and zoom["full"] is True
        assert r["printed"]["controls"] == "none" and r["printed"]["width"] > 100
        link = r["link"]
        assert link["opened"] == link["expected"] and "/reference/" in link["opened"]
        assert r["diagram_busy"] > 0.02
        assert len(r["screenshots"]) == 3
        assert all(Path(shot).stat().st_size > 10_000 for shot in r["screenshots"])
    # the overview first: every host, cluster and network links to its page
    assert (
        next(r for r in reports if r["page"] == "architecture.html")["diagrams"][0]["links"] >= 15
    )


@CHROMIUM
def test_pan_zoom_and_node_links_work_offline_from_file_urls(site: Build, tmp_path: Path) -> None:
    """No server, no network: the viewer and the links work from file://."""
    code, [report], stderr = _browser_check(
        site.outdir,
        "--file-urls",
        "--page",
        "architecture.html",
        "--width",
        "390",
        "--theme",
        "dark",
        "--screenshots",
        str(tmp_path),
    )
    assert code == 0, stderr
    assert report["link"]["opened"].startswith(site.outdir.as_uri() + "/reference/")
    assert report["link"]["opened"] == report["link"]["expected"]
    assert report["pan_zoom"]["ctrl_wheel"] != report["pan_zoom"]["before"]


@CHROMIUM
def test_browser_check_of_the_drift_page_on_a_phone(site: Build, tmp_path: Path) -> None:
    """Wide tables scroll in their boxes, and every state's colour reads in both schemes."""
    code, reports, stderr = _browser_check(
        site.outdir, "--page", "drift.html", "--width", "390", "--screenshots", str(SCREENSHOTS)
    )
    assert code == 0, stderr
    assert [r["scheme"] for r in reports] == ["light", "dark"]
    for r in reports:
        assert r["scrollWidth"] <= r["innerWidth"] == 390 and len(r["tables"]) >= 3
        assert {s["state"].split()[-1] for s in r["states"]} >= {
            "topodoc-state-missing",
            "topodoc-state-changed",
            "topodoc-state-unexpected",
            "topodoc-state-unverifiable",
            "topodoc-state-ok",
        }
        assert min(s["contrast"] for s in r["states"]) >= 4.5


@CHROMIUM
def test_browser_check_finds_a_page_that_scrolls_sideways_and_diagrams_that_do_not_zoom(
    site: Build, tmp_path: Path
) -> None:
    broken = tmp_path / "html"
    shutil.copytree(site.outdir, broken)
    page = broken / "architecture.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(
        html.replace(
            '<script defer="defer" src="_static/topodoc.js',
            '<script defer="defer" src="_static/nothing.js',
        ).replace("</article>", '<div style="width: 3000px">wide</div></article>'),
        encoding="utf-8",
    )
    code, [report], stderr = _browser_check(
        broken,
        "--page",
        "architecture.html",
        "--width",
        "1400",
        "--theme",
        "light",
        "--screenshots",
        str(tmp_path / "shots"),
    )
    assert code == 1
    assert report["scrollWidth"] > report["innerWidth"]
    assert any("scrolls sideways" in p for p in report["problems"]), report["problems"]
    assert any("0 of 4 pan/zoom buttons" in p for p in report["problems"])
    assert "the page scrolls sideways" in stderr
