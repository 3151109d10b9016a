"""Bad input never crashes topodoc: each case gives a located message and the right exit code."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import TOPODOC
from topodoc.reading.yamlpos import MAX_ALIAS_EXPANSION, MAX_DEPTH

SITE = """\
    version: 1
    sites:
      - id: s1
    """


def test_yaml_syntax_error(topo, run):
    path = topo(
        {
            "a.yaml": """\
        version: 1
        hosts:
          - id: h1
            name: [unclosed
          - id: h2
        """
        }
    )
    r = run("validate", path)
    assert r.code == 1
    p = r.problem("yaml-syntax")
    assert p["file"] == "topo/a.yaml"
    assert p["message"] == (
        "did not find expected ',' or ']' (while parsing a flow sequence "
        "that starts at line 4, column 11)"
    )
    assert (p["line"], p["col"]) == ("5", "7")


def test_mapping_value_in_wrong_place(topo, run):
    path = topo({"a.yaml": "version: 1\nsites:\n  - id: s1: x\n"})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("yaml-syntax") == "topo/a.yaml:3:11"
    assert "mapping values are not allowed" in r.problem("yaml-syntax")["message"]


def test_tab_in_indentation(topo, run):
    path = topo({"a.yaml": "version: 1\nsites:\n  - id: s1\n\tname: x\n"})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("yaml-syntax") == "topo/a.yaml:4:1"
    assert (
        r.problem("yaml-syntax")["message"] == "a tab character: YAML indentation must use spaces"
    )


def test_tab_after_wide_characters_is_located_in_characters(topo, run):
    path = topo({"a.yaml": "version: 1\nsites:\n  - id: s1\n    name: 中文中文\n\tx: 1\n"})
    r = run("validate", path)
    assert r.where("yaml-syntax") == "topo/a.yaml:5:1"
    assert "tab character" in r.problem("yaml-syntax")["message"]


def test_duplicate_key_is_an_error_never_an_override(topo, run):
    path = topo(
        {
            "a.yaml": """\
        version: 1
        hosts:
          - id: h1
            memory: 64GiB
            cpu: {sockets: 1, cores: 4}
            memory: 32GiB
        """
        }
    )
    r = run("validate", path)
    assert r.code == 1
    assert r.where("yaml-duplicate-key") == "topo/a.yaml:6:5"
    assert r.problem("yaml-duplicate-key")["message"].startswith(
        "duplicate key 'memory' (first written at line 4)"
    )


def test_duplicate_key_in_flow_mapping(topo, run):
    path = topo({"a.yaml": "version: 1\nsites: [{id: a, id: b}]\n"})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("yaml-duplicate-key") == "topo/a.yaml:2:17"


def test_duplicate_top_level_section(topo, run):
    path = topo({"a.yaml": "version: 1\nsites: [{id: a}]\nsites: [{id: b}]\n"})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("yaml-duplicate-key") == "topo/a.yaml:3:1"


def test_wrong_types(topo, run):
    path = topo(
        {
            "a.yaml": """\
        version: 1
        hosts:
          - id: h1
            memory: 64
            cpu: {sockets: two, cores: 4}
            nested_virt: yes
            tags: physical
        """
        }
    )
    r = run("validate", path)
    assert r.code == 1
    got = {(p["line"], p["col"]): p["message"] for p in r.problems}
    assert got == {
        ("4", "13"): "hosts[0].memory: expected a string, got integer 64 (quote it to make it "
        "a string)",
        ("5", "20"): "hosts[0].cpu.sockets: expected an integer, got string 'two'",
        ("6", "18"): "hosts[0].nested_virt: expected a boolean, got string 'yes'",
        ("7", "11"): "hosts[0].tags: expected an array, got string 'physical'",
    }


def test_wrong_type_of_a_whole_section(topo, run):
    path = topo({"a.yaml": "version: 1\nhosts: {id: h1}\nlive: [1]\n"})
    r = run("validate", path)
    assert r.code == 1
    assert [(p["line"], p["col"], p["message"]) for p in r.problems] == [
        ("2", "8", "hosts: expected an array, got a mapping"),
        ("3", "7", "live: expected an object, got a list"),
    ]


def test_missing_version_and_wrong_version(topo, run):
    path = topo({"a.yaml": "sites: [{id: s1}]\n", "b.yaml": "version: 2\n"})
    r = run("validate", path)
    assert r.code == 1
    assert [(p["file"], p["line"], p["col"], p["message"]) for p in r.problems] == [
        ("topo/a.yaml", "1", "1", "the file: missing required key 'version'"),
        ("topo/b.yaml", "1", "10", "version: 2 is not one of 1"),
    ]


def test_unknown_key_with_did_you_mean(topo, run):
    path = topo(
        {
            "a.yaml": """\
        version: 1
        hosts:
          - id: h1
            memroy: 64GiB
        """
        }
    )
    r = run("validate", path)
    assert r.code == 1
    assert r.where("unknown-key") == "topo/a.yaml:4:5"
    assert (
        r.problem("unknown-key")["message"]
        == "unknown key 'memroy' in hosts[0]; did you mean 'memory'?"
    )


def test_unknown_key_without_a_close_match_lists_the_allowed_ones(topo, run):
    path = topo({"a.yaml": "version: 1\nsites:\n  - {id: s1, zzz: 1}\n"})
    r = run("validate", path)
    assert r.where("unknown-key") == "topo/a.yaml:3:14"
    assert r.problem("unknown-key")["message"] == (
        "unknown key 'zzz' in sites[0] (allowed: description, expected_drift, id, label, "
        "location, name, silence, status, tags)"
    )


def test_unknown_top_level_section(topo, run):
    path = topo({"a.yaml": "version: 1\nhost:\n  - id: h1\n"})
    r = run("validate", path)
    assert r.where("unknown-key") == "topo/a.yaml:2:1"
    assert "did you mean 'hosts'?" in r.problem("unknown-key")["message"]


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n", "---\n", "~\n"])
def test_empty_file(topo, run, content):
    path = topo({"a.yaml": content, "b.yaml": SITE})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("empty-file") == "topo/a.yaml:1:1"
    assert "the file is empty" in r.problem("empty-file")["message"]


def test_a_list_instead_of_a_mapping(topo, run):
    path = topo({"a.yaml": "- version: 1\n"})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("schema") == "topo/a.yaml:1:1"
    assert "must be a mapping" in r.problem("schema")["message"]


def test_binary_garbage(topo, run):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    path = topo({"a.yaml": png})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("encoding") == "topo/a.yaml:3:1"
    assert r.problem("encoding")["message"] == "binary data (a NUL byte): not a YAML text file"


def test_binary_garbage_without_nul(topo, run):
    path = topo({"a.yaml": bytes(range(0x80, 0x100)) * 4})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("encoding") == "topo/a.yaml:1:1"
    assert "not UTF-8 text (byte 0x80)" in r.problem("encoding")["message"]


def test_non_utf8_text(topo, run):
    path = topo({"a.yaml": "version: 1\nsites:\n  - id: s1\n    name: café\n".encode("latin-1")})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("encoding") == "topo/a.yaml:4:14"
    assert r.problem("encoding")["message"] == "not UTF-8 text (byte 0xe9); save the file as UTF-8"


def test_control_character_is_located(topo, run):
    path = topo({"a.yaml": "version: 1\nsites:\n  - id: s1\n    name: 中文 \x07\n"})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("yaml-syntax") == "topo/a.yaml:4:14"
    assert "unacceptable character #x0007" in r.problem("yaml-syntax")["message"]


def test_utf8_bom_is_accepted(topo, run):
    path = topo({"a.yaml": b"\xef\xbb\xbf" + SITE.replace("    ", "").encode()})
    r = run("validate", path)
    assert r.code == 0, r.out


def test_missing_path_exits_2(tmp_path, run):
    r = run("validate", tmp_path / "nope")
    assert r.code == 2
    assert r.out == ""
    assert r.err == f"topodoc validate: error: {tmp_path / 'nope'}: no such file or directory\n"


@pytest.mark.parametrize("command", ["validate", "export", "impact"])
def test_missing_path_exits_2_for_every_command(tmp_path, run, command):
    r = run(command, tmp_path / "nope")
    assert r.code == 2
    assert "no such file or directory" in r.err


def test_directory_without_yaml_exits_2(tmp_path, run):
    (tmp_path / "x.yaml").mkdir()  # a directory named like a file
    r = run("validate", tmp_path / "x.yaml")
    assert r.code == 2
    assert r.err.endswith("x.yaml: no *.yaml files in this directory\n")


def test_include_of_a_directory(topo, run):
    path = topo({"a.yaml": "version: 1\ninclude: [x.yaml]\n"})
    (path / "x.yaml").mkdir()
    r = run("validate", path / "a.yaml")
    assert r.code == 1
    assert r.where("include-missing") == "topo/a.yaml:2:11"
    assert "'x.yaml'" in r.problem("include-missing")["message"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_chmod(topo, run):
    path = topo({"a.yaml": SITE, "b.yaml": SITE.replace("s1", "s2")})
    (path / "b.yaml").chmod(0)
    try:
        r = run("validate", path)
    finally:
        (path / "b.yaml").chmod(0o644)
    assert r.code == 2
    assert r.where("io") == "topo/b.yaml:1:1"
    assert r.problem("io")["message"] == "cannot read: Permission denied"


def test_unreadable_file(topo, run, monkeypatch):
    """The same as with chmod 000, for root too: reading the file fails with EACCES."""
    path = topo({"a.yaml": SITE, "b.yaml": SITE.replace("s1", "s2")})
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "b.yaml":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    r = run("validate", path)
    assert r.code == 2
    assert r.where("io") == "topo/b.yaml:1:1"
    assert r.problem("io")["message"] == "cannot read: Permission denied"
    assert "1 object in 1 file" in r.err  # a.yaml is still read


def test_dangling_symlink_is_reported_not_skipped(topo, run):
    path = topo({"a.yaml": SITE})
    (path / "b.yaml").symlink_to("gone.yaml")
    r = run("validate", path)
    assert r.code == 2
    assert r.where("io") == "topo/b.yaml:1:1"
    assert r.problem("io")["message"] == "file not found"


def test_include_cycle(topo, run):
    path = topo(
        {
            "a.yaml": "version: 1\ninclude: [b.yaml]\n",
            "b.yaml": "version: 1\ninclude: [sub/c.yaml]\n",
            "sub/c.yaml": "version: 1\ninclude: [../a.yaml]\n",
        }
    )
    for target in (path / "a.yaml", path):
        r = run("validate", target)
        assert r.code == 1
        assert r.where("include-cycle") == "topo/sub/c.yaml:2:11"
        assert (
            r.problem("include-cycle")["message"]
            == "include cycle: a.yaml -> b.yaml -> c.yaml -> a.yaml"
        )


def test_file_including_itself(topo, run):
    path = topo({"a.yaml": "version: 1\ninclude: [./a.yaml]\n"})
    r = run("validate", path / "a.yaml")
    assert r.code == 1
    assert r.where("include-cycle") == "topo/a.yaml:2:11"


def test_includes_are_followed(topo, run):
    path = topo(
        {
            "main.yaml": "version: 1\ninclude: [parts/hosts.yaml]\n",
            "parts/hosts.yaml": "version: 1\nhosts: [{id: h1, site: s1}]\ninclude: [sites.yaml]\n",
            "parts/sites.yaml": SITE,
            "unrelated.yaml": "garbage: [\n",
        }
    )
    r = run("validate", path / "main.yaml")
    assert r.code == 0, r.out + r.err
    assert "2 objects in 3 files" in r.err


def test_includes_that_leave_the_topology_directory(topo, run, tmp_path):
    (tmp_path / "outside.yaml").write_text(SITE)
    path = topo(
        {
            "a.yaml": "version: 1\ninclude:\n  - ../outside.yaml\n  - /etc/passwd\n"
            "  - sub/../../outside.yaml\n  - missing.yaml\n"
        }
    )
    (path / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    r = run("validate", path / "a.yaml")
    assert r.code == 1
    got = [(p["line"], p["col"], p["rule"], p["message"].split(" leaves")[0]) for p in r.problems]
    assert got == [
        ("3", "5", "include-outside", "include '../outside.yaml'"),
        ("4", "5", "include-outside", "include '/etc/passwd'"),
        ("5", "5", "include-outside", "include 'sub/../../outside.yaml'"),
        ("6", "5", "include-missing", "include 'missing.yaml': no such file"),
    ]
    assert "root:" not in r.out  # /etc/passwd was not read
    r = run("validate", path / "a.yaml")


def test_include_through_a_symlink_that_leaves(topo, run, tmp_path):
    (tmp_path / "outside.yaml").write_text(SITE)
    path = topo({"a.yaml": "version: 1\ninclude: [link.yaml]\n"})
    (path / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    r = run("validate", path / "a.yaml")
    assert r.code == 1
    assert r.where("include-outside") == "topo/a.yaml:2:11"


BOMB = """\
version: 1
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_alias_bomb(topo, run):
    path = topo({"a.yaml": BOMB})
    r = run("validate", path)
    assert r.code == 1
    # 8,289 nodes after line 5, 74,718 after line 6: the first alias of line 7 passes 100,000
    assert r.where("yaml-limit") == "topo/a.yaml:7:8"
    assert (
        r.problem("yaml-limit")["message"]
        == f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} nodes (an alias bomb?)"
    )


def test_alias_bomb_through_merge_keys(topo, run):
    lines = ["version: 1", "a0: &a0 {k: v}"]
    for i in range(1, 12):
        merges = ", ".join(f"*a{i - 1}" for _ in range(8))
        lines.append(f"a{i}: &a{i} [{merges}]")
    lines.append("x: {<<: [*a11]}")
    path = topo({"a.yaml": "\n".join(lines) + "\n"})
    r = run("validate", path)
    assert r.code == 1
    assert r.problem("yaml-limit")["message"].startswith("aliases expand to more than")


def test_alias_to_itself_is_not_followed(topo, run):
    path = topo({"a.yaml": "version: 1\nx: &x {y: *x}\n"})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("yaml-syntax") == "topo/a.yaml:2:11"
    assert r.problem("yaml-syntax")["message"] == "unknown alias *x"


def test_deep_block_nesting(topo, run):
    text = "version: 1\nx:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200))
    path = topo({"a.yaml": text})
    r = run("validate", path)
    assert r.code == 1
    # the root mapping is level 1, x's value level 2: level 65 is k63's value at line 66
    assert r.where("yaml-limit") == "topo/a.yaml:66:129"
    assert (
        r.problem("yaml-limit")["message"]
        == f"nesting deeper than {MAX_DEPTH} levels; a topology never needs that"
    )


def test_deep_flow_nesting(topo, run):
    path = topo({"a.yaml": "version: 1\nx: " + "[" * 100 + "]" * 100 + "\n"})
    r = run("validate", path)
    assert r.code == 1
    assert r.where("yaml-limit") == f"topo/a.yaml:2:{3 + MAX_DEPTH}"


def test_very_deep_flow_nesting_stops_in_the_parser(topo, run):
    path = topo({"a.yaml": "version: 1\nx: " + "[" * 100_000 + "]" * 100_000 + "\n"})
    r = run("validate", path)
    assert r.code == 1
    p = r.problems[0]
    assert (p["file"], p["line"]) == ("topo/a.yaml", "2")
    assert "nesting depth" in p["message"]


def test_file_over_the_size_limit(topo, run, monkeypatch):
    big = "version: 1\nsites:\n" + "".join(f"  - id: s{i:03}\n" for i in range(100))
    path = topo({"a.yaml": SITE, "b.yaml": big})
    assert len(big) == 1318
    monkeypatch.setenv("TOPODOC_MAX_FILE_BYTES", "1317")
    r = run("validate", path)
    assert r.code == 1
    assert r.where("file-size") == "topo/b.yaml:1:1"
    assert (
        r.problem("file-size")["message"]
        == "file is 1,318 bytes, over the limit of 1,317 (TOPODOC_MAX_FILE_BYTES)"
    )
    assert "1 object in 1 file" in r.err
    monkeypatch.setenv("TOPODOC_MAX_FILE_BYTES", "1318")
    assert run("validate", path).code == 0


@pytest.mark.parametrize(
    "kind, entry",
    [
        ("etcd", "{cluster: e, endpoints: [https://e:2379], password: hunter2}"),
        ("kubernetes", "{cluster: k, context: admin, token: abc}"),
        ("openstack", "{cluster: o, cloud: c, secret: s}"),
        ("libvirt", "{hypervisor: h, uri: 'qemu+ssh://h/system', private_key: x}"),
    ],
)
def test_secrets_in_live_are_rejected(topo, run, kind, entry):
    path = topo({"a.yaml": f"version: 1\nlive:\n  {kind}:\n    - {entry}\n"})
    r = run("validate", path)
    assert r.code == 1
    p = r.problem("unknown-key")
    assert (p["line"], p["col"]) == ("4", str(entry.rindex(", ") + 9))
    assert "secrets never go in the topology" in p["message"]
    assert "hunter2" not in r.out + r.err


def test_secret_values_do_not_reach_the_model(topo):
    from topodoc.reading.load import load_topology

    topo(
        {
            "a.yaml": """\
        version: 1
        hosts: [{id: h}]
        clusters: [{id: e, type: etcd, members: [{machine: h, roles: [member]}]}]
        live:
          etcd:
            - {cluster: e, endpoints: [https://h:2379], password: hunter2}
        """
        }
    )
    loaded = load_topology("topo")
    assert not loaded.ok
    assert "hunter2" not in repr(loaded.model.live)


@pytest.mark.parametrize(
    "live",
    [
        "live: {libvirt: [just-a-string]}",
        "live: {libvirt: [{hypervisor: 5, uri: x}]}",
        "live: {etcd: [{cluster: e, endpoints: [1, 2]}]}",
        "live: {etcd: [{cluster: e, endpoints: https://e:2379}]}",
        "live: {severity: 'vm:missing=error', timeout: soon}",
        "live: {kubernetes: {cluster: k, context: c}}",
    ],
)
def test_malformed_live_part(topo, run, live):
    path = topo({"a.yaml": f"version: 1\n{live}\n"})
    r = run("validate", path)
    assert r.code == 1
    assert r.problems and all(p["line"] == "2" for p in r.problems)


def test_several_problems_in_several_files_in_one_run(topo, run):
    path = topo(
        {
            "b.yaml": "version: 1\nhosts:\n  - id: h1\n    memroy: 1GiB\n  - id: h2\n"
            "    site: hme\n",
            "a.yaml": "version: 1\nsites: [{id: home}]\nvms:\n  - id: v1\n    runs_on: h3\n"
            "    platform: libvirt\n",
            "c.yaml": "version: 1\nx: [\n",
            "d.yaml": "version: 1\nsites: [{id: h1}]\n",
            "e.yaml": b"\xff\xfe",
        }
    )
    r = run("validate", path)
    assert r.code == 1
    got = [(p["file"], p["line"], p["col"], p["rule"]) for p in r.problems]
    assert got == [
        ("topo/a.yaml", "5", "14", "unknown-ref"),
        ("topo/b.yaml", "4", "5", "unknown-key"),
        ("topo/b.yaml", "6", "11", "unknown-ref"),
        ("topo/c.yaml", "3", "1", "yaml-syntax"),
        ("topo/d.yaml", "2", "14", "duplicate-id"),
        ("topo/e.yaml", "1", "1", "encoding"),
    ]
    assert "did you mean 'home'?" in r.problems[2]["message"]
    assert "6 errors, 0 warnings" in r.err


def test_json_output_of_bad_input(topo, run):
    import json

    path = topo({"a.yaml": "version: 1\nsites:\n  - {id: s1, nme: x}\n"})
    r = run("validate", path, "--format", "json")
    assert r.code == 1
    data = json.loads(r.out)
    assert data["problems"] == [
        {
            "file": "topo/a.yaml",
            "line": 3,
            "col": 14,
            "severity": "error",
            "rule": "unknown-key",
            "message": "unknown key 'nme' in sites[0]; did you mean 'name'?",
            "object": None,
        }
    ]


@pytest.mark.parametrize(
    "content, rule",
    [
        (b"version: 1\nx: [\n", "yaml-syntax"),
        (b"\x00\x01", "encoding"),
        (BOMB.encode(), "yaml-limit"),
    ],
)
def test_subprocess_bad_input_has_no_traceback(tmp_path, content, rule):
    (tmp_path / "a.yaml").write_bytes(content)
    proc = subprocess.run(
        [TOPODOC, "validate", tmp_path], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert proc.returncode == 1
    assert proc.stdout.startswith("a.yaml:")
    assert f"[{rule}]" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_subprocess_missing_path(tmp_path):
    proc = subprocess.run(
        [TOPODOC, "validate", tmp_path / "nope"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "no such file or directory" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "snippet, col, message",
    [
        (
            "hosts: [{id: h, overcommit: {cpu: .inf}}]",
            35,
            "hosts[0].overcommit.cpu: expected a number, got string '.inf'",
        ),
        (
            "hosts: [{id: h, overcommit: {memory: .nan}}]",
            38,
            "hosts[0].overcommit.memory: expected a number, got string '.nan'",
        ),
        ("live: {timeout: .inf}", 17, "live.timeout: expected a number, got string '.inf'"),
    ],
)
def test_infinite_numbers_are_refused(topo, run, snippet, col, message):
    """An export is strict JSON, which has no Infinity or NaN."""
    r = run("validate", topo({"a.yaml": f"version: 1\n{snippet}\n"}))
    assert r.code == 1
    assert r.where("schema") == f"topo/a.yaml:2:{col}"
    assert r.problem("schema")["message"] == message


def test_huge_numbers_are_refused_not_crashed_on(topo, run):
    digits = "9" * 5000
    path = topo(
        {
            "a.yaml": f"version: 1\nhosts:\n  - id: h\n    cpu: {{sockets: {digits}, "
            f"cores: 1}}\n  - id: h2\n    memory: {digits}GiB\n"
        }
    )
    r = run("validate", path)
    assert r.code == 1
    assert [(p["line"], p["col"], p["rule"]) for p in r.problems] == [
        ("4", "20", "schema"),
        ("6", "13", "size-format"),
    ]
    assert r.problems[0]["message"].startswith(
        "hosts[0].cpu.sockets: expected an integer, got string '9999"
    )
    assert (
        r.problems[1]["message"]
        == "'999999999999999999999999999999'... has too many digits for a size (at most 24)"
    )
