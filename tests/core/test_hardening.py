"""Hostile inputs: each one once broke validation, a diagram or an output, and is now a located
error, a bounded cost or a refusal."""

from __future__ import annotations

import hashlib
import marshal
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.paths import LAB
from topodoc.reading import schema_code
from topodoc.reading.depth import MAX_DEPTH
from topodoc.util.atomic import write_text

# --- full-match patterns: ids, labels and tags with a trailing line break ---------------------


def test_a_trailing_line_break_in_an_id_label_or_tag_is_a_located_error(topo, run):
    path = topo(
        {
            "a.yaml": """\
        version: 1
        sites:
          - {id: "abc\\n"}
          - {id: ok, label: "lab\\n", tags: ["t\\n"]}
          - {id: fine, label: fine_label, tags: [t]}
        """
        }
    )
    r = run("validate", path)
    assert r.code == 1
    found = {(p["line"], p["col"]): p["message"] for p in r.problems}
    assert found == {
        ("3", "10"): "sites[0].id: 'abc\\n' does not match the expected form "
        "^[a-z0-9][a-z0-9._-]*$",
        ("4", "21"): "sites[1].label: 'lab\\n' does not match the expected form "
        "^[A-Za-z0-9][A-Za-z0-9_.:-]*$",
        ("4", "37"): "sites[1].tags[0]: 't\\n' does not match the expected form "
        "^[A-Za-z0-9._:/-]+$",
    }
    assert "1 object in 1 file" in r.err  # only the valid site is in the model


def test_when_the_validators_disagree_the_file_never_passes_silently(topo, run, monkeypatch):
    """The compiled validator rejecting what jsonschema accepts gives a located error."""
    from topodoc.reading import schema

    monkeypatch.setattr(
        schema,
        "_validator",
        lambda: type("Lenient", (), {"iter_errors": staticmethod(lambda doc: iter(()))})(),
    )
    r = run("validate", topo({"a.yaml": "version: 1\nsites:\n  - {id: s, bogus: 1}\n"}))
    assert r.code == 1
    assert r.where("schema") == "topo/a.yaml:3:3"
    assert "sites[0]" in r.problem("schema")["message"]


# --- timeouts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "1e12", "nan", "-1"])
def test_timeouts_out_of_range_are_usage_errors(run, tmp_path, value):
    r = run("render", LAB, "--view", "physical", "--timeout", value, "-o", tmp_path / "x.svg")
    assert r.code == 2
    assert "--timeout must be more than 0 seconds and at most 3600" in r.err
    r = run("drift", "--demo", "--timeout", value)
    assert r.code == 2
    assert f"'{value}' is not a positive number of seconds up to 3600" in r.err


def test_a_live_timeout_over_an_hour_is_a_located_error(topo, run):
    r = run("validate", topo({"a.yaml": "version: 1\nlive:\n  timeout: 1e12\n"}))
    assert r.code == 1
    assert r.where("schema") == "topo/a.yaml:3:12"
    assert "greater than the maximum of 3600" in r.problem("schema")["message"]


# --- include chains and nesting: linear, or a located limit ------------------------------------


def test_an_include_chain_of_1200_files_is_read(topo, run):
    files = {
        f"f{i}.yaml": f"version: 1\ninclude: [f{i + 1}.yaml]\nsites:\n  - {{id: s{i}}}\n"
        for i in range(1199)
    }
    files["f1199.yaml"] = "version: 1\nsites:\n  - {id: s1199}\n"
    path = topo(files)
    r = run("validate", path / "f0.yaml")
    assert r.code == 0, r.out
    assert "1200 objects in 1200 files" in r.err
    # closing the chain into a cycle: one located error, its message of bounded length
    (path / "f1199.yaml").write_text("version: 1\ninclude: [f0.yaml]\nsites:\n  - {id: s1199}\n")
    r = run("validate", path / "f0.yaml")
    cycle = r.problem("include-cycle")
    assert r.where("include-cycle") == "topo/f1199.yaml:2:11"
    assert (
        "f0.yaml -> f1.yaml -> f2.yaml -> ... (1194 more files) ... -> f1198.yaml -> "
        "f1199.yaml -> f0.yaml" in cycle["message"]
    )


def _vm_chain(depth: int) -> str:
    lines = ["version: 1", "hosts:", "  - {id: h, memory: 8TiB, nested_virt: true}", "vms:"]
    below = "h"
    for i in range(depth):
        lines.append(
            f"  - {{id: v{i}, runs_on: {below}, platform: libvirt, memory: 1GiB, "
            "nested_virt: true}"
        )
        below = f"v{i}"
    return "\n".join(lines) + "\n"


def _domain_chain(depth: int) -> str:
    lines = ["version: 1", "failure_domains:", "  - {id: f0, type: rack}"]
    lines += [f"  - {{id: f{i}, type: rack, parent: f{i - 1}}}" for i in range(1, depth)]
    lines += ["hosts:", f"  - {{id: h, failure_domains: [f{depth - 1}]}}"]
    return "\n".join(lines) + "\n"


def test_nesting_up_to_the_limit_is_valid(topo, run, tmp_path):
    r = run("validate", topo({"a.yaml": _vm_chain(MAX_DEPTH - 1)}, name="vms"))
    assert r.code == 0 and f"{MAX_DEPTH} objects" in r.err
    r = run("validate", topo({"a.yaml": _domain_chain(MAX_DEPTH)}, name="domains"))
    assert r.code == 0 and f"{MAX_DEPTH + 1} objects" in r.err
    r = run("render", "domains", "-o", tmp_path / "d.svg")
    assert r.code == 0, r.err


@pytest.mark.parametrize(
    ("make", "depth", "line", "col", "field"),
    [
        (_vm_chain, 3000, MAX_DEPTH + 4, 24, "runs_on"),
        (_domain_chain, 2000, MAX_DEPTH + 3, 35, "parent"),
    ],
)
def test_deeper_nesting_is_a_located_error_in_linear_time(topo, run, make, depth, line, col, field):
    path = topo({"a.yaml": make(depth)})
    started = time.perf_counter()
    r = run("validate", path)
    elapsed = time.perf_counter() - started
    assert r.code == 1
    problem = r.problem("nesting-depth")
    assert r.where("nesting-depth") == f"topo/a.yaml:{line}:{col}"
    assert (
        f"placed {MAX_DEPTH + 1} levels deep ({field} chain), over the limit of "
        f"{MAX_DEPTH}" in problem["message"]
    )
    assert len(r.problems) == 1  # one error per chain, no dangling references after it
    assert elapsed < 10, elapsed  # was 15 s (VMs, 2,000 deep) and 48 s (3,000 deep)


# --- the compiled validator's cache ------------------------------------------------------------


def _in_new_process(cache: Path) -> subprocess.CompletedProcess:
    code = (
        "import fastjsonschema\nfrom topodoc.reading.schema import _compiled\n"
        "try:\n    _compiled()({'version': 1, 'sites': [{'id': 's', 'x': 1}]})\n"
        "except fastjsonschema.JsonSchemaException as e:\n    print('rejected', e.name)\n"
        "_compiled()({'version': 1})\nprint('accepted')\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "TOPODOC_CACHE_DIR": str(cache)},
        timeout=60,
        check=False,
    )


def test_every_flipped_bit_is_caught_and_the_entry_generated_again(tmp_path):
    cache = tmp_path / "cache"
    assert _in_new_process(cache).stdout.split("\n")[:2] == ["rejected data.sites[0]", "accepted"]
    [entry] = cache.glob("schema-*.marshal")
    good = entry.read_bytes()
    assert good.startswith(schema_code.MAGIC)
    size = len(good) * 8
    # the format's bytes, the hash, the payload's first and last bytes, and spread in between
    bits = [
        0,
        9,
        len(schema_code.MAGIC) * 8 + 3,
        (len(schema_code.MAGIC) + 32) * 8 + 1,
        size - 1,
        *range(size // 7, size, size // 7),
    ]
    for bit in bits:
        flipped = bytearray(good)
        flipped[bit // 8] ^= 1 << (bit % 8)
        entry.write_bytes(bytes(flipped))
        done = _in_new_process(cache)
        assert done.returncode == 0, (bit, done.stderr)  # never a crash, never a segfault
        assert done.stdout.split("\n")[:2] == ["rejected data.sites[0]", "accepted"], bit
        assert entry.read_bytes() == good, bit  # generated again
    entry.write_bytes(good[: len(good) // 2])  # a truncated write
    assert _in_new_process(cache).stdout.startswith("rejected")
    assert entry.read_bytes() == good


def test_an_entry_rewritten_with_its_hash_to_switch_validation_off_is_not_used(tmp_path):
    cache = tmp_path / "cache"
    _in_new_process(cache)
    [entry] = cache.glob("schema-*.marshal")
    good = entry.read_bytes()
    code = compile(
        "def validate(data, custom_formats={}, name_prefix=None):\n    return data\n",
        "<forged>",
        "exec",
    )
    payload = marshal.dumps(("validate", code))
    entry.write_bytes(schema_code.MAGIC + hashlib.sha256(payload).digest() + payload)
    assert _in_new_process(cache).stdout.startswith("rejected data.sites[0]")
    assert entry.read_bytes() == good


# --- diagrams: a very long description ---------------------------------------------------------


def test_a_description_of_20_kb_does_not_lose_the_diagram(topo, run, tmp_path):
    long = "很长的描述 " * 4000  # 24,000 characters, 64 KB of UTF-8
    path = topo(
        {
            "a.yaml": f"version: 1\nhosts:\n  - id: h1\n    name: {'n' * 20000}\n"
            f"  - id: h2\n    description: {long}\n"
        }
    )
    r = run("render", path, "-o", tmp_path / "h.svg")
    assert r.code == 0, r.err
    svg = (tmp_path / "h.svg").read_text(encoding="utf-8")
    assert "很长的描述" in svg and "n" * 1990 + "…" in svg and "n" * 2000 not in svg


# --- outputs -----------------------------------------------------------------------------------


def test_two_outputs_to_one_file_are_refused_before_the_scan(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("drift", "--demo", "-o", "json=r.json", "-o", "markdown=./r.json")
    assert r.code == 2
    assert (
        f"'json=r.json' and 'markdown=./r.json' both write the same file, "
        f"{tmp_path / 'r.json'}" in r.err
    )
    assert "reading" not in r.err and not (tmp_path / "r.json").exists()
    (tmp_path / "link.json").symlink_to(tmp_path / "r.json")
    r = run("drift", "--demo", "-o", "json=r.json", "-o", "junit=link.json")
    assert r.code == 2 and "both write the same file" in r.err


def test_temp_files_of_a_killed_run_are_removed_by_the_next_write_there(tmp_path):
    killed = subprocess.Popen([sys.executable, "-c", "pass"])
    killed.wait()  # a process id that no longer runs
    stale = tmp_path / f".r.json.topodoc-{killed.pid}-x1y2.tmp"
    alive = tmp_path / f".r.json.topodoc-{os.getpid()}-a3b4.tmp"  # a write under way
    other = tmp_path / f".other.json.topodoc-{killed.pid}-z9.tmp"  # another file's, dead
    mine = tmp_path / ".notes.txt.tmp"  # not topodoc's
    for path in (stale, alive, other, mine):
        path.write_text("half")
    write_text(tmp_path / "r.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, mine.name, "r.json"])
    other.write_text("half")  # left by a run killed later: swept by the next process
    write_text(tmp_path / "r.json", "{}", durable=False)
    assert other.exists() and (tmp_path / "r.json").read_text() == "{}"


# --- files: links out of the topology, silence reasons -----------------------------------------


def test_a_linked_yaml_file_pointing_outside_is_not_read(topo, run, tmp_path):
    (tmp_path / "secret.yaml").write_text("version: 1\nsites:\n  - {id: outside}\n")
    path = topo({"a.yaml": "version: 1\nsites:\n  - {id: inside}\n"})
    (path / "b.yaml").symlink_to(tmp_path / "secret.yaml")
    (path / "c.yaml").symlink_to(tmp_path / path / "a.yaml")  # inside: read (ids clash)
    r = run("validate", path)
    assert r.code == 1
    assert r.where("include-outside") == "topo/b.yaml:1:1"
    assert (
        f"links to {tmp_path / 'secret.yaml'}, outside the topology directory"
        in r.problem("include-outside")["message"]
    )
    assert "1 object in 2 files" in r.err  # a.yaml and c.yaml; nothing from secret.yaml
    assert r.problem("duplicate-id")


def test_every_line_of_a_multi_line_silence_reason_has_the_location(topo, run):
    path = topo(
        {
            "a.yaml": """\
        version: 1
        hosts: [{id: h1}, {id: h2}]
        clusters:
          - id: e
            type: etcd
            members: [{machine: h1, roles: [member]}, {machine: h2, roles: [member]}]
            silence:
              - rule: etcd-quorum
                reason: |
                  two members for now
                  a third is on order
        """
        }
    )
    r = run("validate", path, "--show-silenced")
    lines = [line for line in r.out.splitlines() if "etcd-quorum" in line or "third" in line]
    assert lines == [
        "topo/a.yaml:6:14: silenced: e: etcd has 2 members; 2 members cannot survive a "
        "failure (use 3 or 5) [etcd-quorum] -- two members for now",
        "topo/a.yaml:6:14: silenced:   a third is on order",
    ]


def test_the_documented_limits_are_the_code_s():
    from topodoc.diagrams.dot import MAX_TEXT
    from topodoc.reading.schema import schema
    from topodoc.util.timeouts import MAX_TIMEOUT_S

    manual = Path(__file__).resolve().parents[2] / "docs" / "manual" / "topology.rst"
    limits = manual.read_text(encoding="utf-8").split("\nLimits\n")[1]
    assert f"Placement depth\n     - {MAX_DEPTH} levels" in limits
    assert f"at most {MAX_TIMEOUT_S} seconds" in limits
    assert f"longer than {MAX_TEXT:,} characters" in limits
    live = schema()["$defs"]["live"]["properties"]["timeout"]
    assert live["maximum"] == MAX_TIMEOUT_S
