"""Export: versioned, deterministic JSON, whatever the files' names and order; the schema."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.support.files import write_files
from tests.support.paths import LAB, TOPODOC
from topodoc.model.export import FORMAT_VERSION
from topodoc.reading.schema import schema_text


def export(run, path, *extra) -> str:
    r = run("export", path, *extra)
    assert r.code == 0, r.err
    return r.out


def test_export_is_byte_identical_twice(run, tmp_path):
    first = tmp_path / "one.json"
    second = tmp_path / "two.json"
    assert run("export", LAB, "-o", first).code == 0
    r = run("export", LAB, "-o", second)
    assert r.code == 0
    assert r.err == f"wrote {second}\n"
    assert first.read_bytes() == second.read_bytes()
    assert export(run, LAB).encode() == first.read_bytes()  # stdout gives the same bytes


def test_export_in_a_subprocess_matches_in_process(run, tmp_path):
    out = tmp_path / "lab.json"
    proc = subprocess.run(
        [TOPODOC, "export", LAB, "-o", out],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert out.read_bytes() == export(run, LAB).encode()


def test_export_does_not_depend_on_the_working_directory(run, monkeypatch, tmp_path):
    here = export(run, LAB)
    monkeypatch.chdir(tmp_path)
    assert export(run, LAB) == here
    monkeypatch.chdir(LAB)
    assert export(run, ".") == here


def strict_json(text: str):
    def refuse(name: str):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_export_shape(run):
    data = strict_json(export(run, LAB))
    assert data["format_version"] == FORMAT_VERSION == "1.1"
    assert list(data) == [
        "format_version",
        "generator",
        "digest",
        "objects",
        "views",
        "scenarios",
        "live",
    ]
    assert data["generator"].startswith("topodoc ")
    assert len(data["digest"]) == 64
    ids = [o["id"] for o in data["objects"]]
    assert ids == sorted(ids) and len(ids) == 53
    zcloud = next(o for o in data["objects"] if o["id"] == "zcloud")
    assert zcloud["kind"] == "host"
    assert zcloud["label"] == "hpe_dl360_gen9"
    assert zcloud["memory"] == 256 * 2**30
    assert zcloud["cpu"] == {
        "sockets": 2,
        "cores": 12,
        "threads": 2,
        "model": "Intel Xeon E5-2670 v3",
    }
    assert zcloud["defined_at"] == "hosts.yaml:5"
    assert [v["id"] for v in data["views"]] == sorted(v["id"] for v in data["views"])
    assert [s["id"] for s in data["live"]["sources"]][:2] == ["etcd:z-etcd", "kubernetes:z-k8s"]
    etcd = data["live"]["sources"][0]
    assert etcd["options"] == {
        "ca_cert": "/etc/etcd/pki/ca.pem",
        "cert": "/etc/etcd/pki/client.pem",
        "key": "/etc/etcd/pki/client-key.pem",
    }


def test_export_resolves_merge_keys(run):
    data = json.loads(export(run, LAB))
    m2 = next(o for o in data["objects"] if o["id"] == "z-k8s-m-2")
    assert (m2["runs_on"], m2["vcpu"], m2["memory"], m2["platform"]) == (
        "zcloud-2",
        4,
        8 * 2**30,
        "libvirt",
    )  # vcpu, memory, platform from the &cp anchor
    assert m2["disks"] == [{"size": 64 * 2**30, "name": "vda", "type": "virtual"}]


PARTS = {
    "hosts": """\
        hosts:
          - {id: h1, memory: 64GiB, cpu: {sockets: 1, cores: 8}, nested_virt: true}
          - {id: h2, memory: 512GB}
        """,
    "vms": """\
        vms:
          - {id: v1, runs_on: h1, platform: libvirt, vcpu: 2, memory: 4GiB}
          - {id: v2, runs_on: h2, platform: libvirt, vcpu: 2, memory: 4GiB}
        """,
    "clusters": """\
        clusters:
          - id: e
            type: etcd
            members: [{machine: h1, roles: [member]}, {machine: h2, roles: [member]},
                      {machine: v1, roles: [member]}]
            silence: [{rule: quorum-failure-domain, reason: test}]
        """,
    "live1": """\
        live:
          libvirt: [{hypervisor: h1, uri: "qemu+ssh://h1/system"}]
        """,
    "live2": """\
        live:
          libvirt: [{hypervisor: h2, uri: "qemu+ssh://h2/system"}]
          etcd: [{cluster: e, endpoints: ["https://h1:2379"]}]
        """,
    "views": "views: [{id: all}, {id: hosts, kinds: [host]}]\n",
}


def split(layout: dict[str, list[str]]) -> dict[str, str]:
    import textwrap

    return {
        name: "version: 1\n" + "".join(textwrap.dedent(PARTS[p]) for p in parts)
        for name, parts in layout.items()
    }


LAYOUTS = [
    {"a.yaml": ["hosts", "vms", "clusters", "live1", "views"], "b.yaml": ["live2"]},
    {
        "z.yaml": ["hosts"],
        "y.yaml": ["vms"],
        "x.yaml": ["clusters"],
        "w.yaml": ["live2"],
        "v.yaml": ["live1"],
        "u.yaml": ["views"],
    },
    {
        "sub/deeper/one.yml": ["views", "live2", "clusters"],
        "0.yaml": ["vms", "live1"],
        "ZZ.yaml": ["hosts"],
    },
]


def without_positions(data: dict) -> dict:
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "defined_at"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return {k: strip(v) for k, v in data.items() if k != "digest"}


def test_export_is_independent_of_how_the_files_are_split_and_named(run, tmp_path):
    """The same objects, split differently over differently named files, export the same.

    Only ``defined_at`` (FILE:LINE of each object) and the digest (over the files' names and
    bytes) follow the files, by design.
    """
    results = []
    for index, layout in enumerate(LAYOUTS):
        root = write_files(tmp_path / f"t{index}", split(layout))
        assert run("validate", root).code == 0
        results.append(json.loads(export(run, root)))
    assert without_positions(results[0]) == without_positions(results[1])
    assert without_positions(results[0]) == without_positions(results[2])
    assert results[0]["objects"][0]["defined_at"] == "a.yaml:9"  # e, in a.yaml
    assert results[2]["objects"][0]["defined_at"] == "sub/deeper/one.yml:7"
    assert [s["id"] for s in results[1]["live"]["sources"]] == [
        "etcd:e",
        "libvirt:h1",
        "libvirt:h2",
    ]


def test_renamed_files_give_the_same_objects(run, tmp_path):
    layout = {"a.yaml": ["hosts", "vms", "live2"], "b.yaml": ["clusters", "live1", "views"]}
    renamed = {"zz.yaml": layout["a.yaml"], "aa.yaml": layout["b.yaml"]}
    one = json.loads(export(run, write_files(tmp_path / "one", split(layout))))
    two = json.loads(export(run, write_files(tmp_path / "two", split(renamed))))
    assert without_positions(one) == without_positions(two)
    assert [o["defined_at"].split(":")[1] for o in one["objects"]] == [
        o["defined_at"].split(":")[1] for o in two["objects"]
    ]  # same lines, other names
    assert one["digest"] != two["digest"]


def test_export_refuses_an_invalid_topology(topo, run, tmp_path):
    out = tmp_path / "out.json"
    r = run("export", topo({"a.yaml": "version: 1\nhosts: [{id: h, site: nowhere}]\n"}), "-o", out)
    assert r.code == 1
    assert r.out == ""
    assert "topo/a.yaml:2:23: error: h: in_domain names 'nowhere', which is not defined" in r.err
    assert not out.exists()


@pytest.mark.parametrize(
    "target, reason",
    [
        ("missing-dir/out.json", "No such file or directory"),
        ("a-directory", "Is a directory"),
    ],
)
def test_export_to_an_unwritable_place_is_an_io_error(run, tmp_path, monkeypatch, target, reason):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-directory").mkdir()
    r = run("export", LAB, "-o", target)
    assert r.code == 2
    assert r.err == f"topodoc export: error: cannot write {target}: {reason}\n"
    assert [p.name for p in tmp_path.rglob("*")] == ["a-directory"]  # no temporary file left


def test_export_of_one_file_with_includes(run, tmp_path):
    root = write_files(tmp_path / "t", split({"main.yaml": ["views"], "hosts.yaml": ["hosts"]}))
    (root / "main.yaml").write_text((root / "main.yaml").read_text() + "include: [hosts.yaml]\n")
    data = json.loads(export(run, root / "main.yaml"))
    assert [(o["id"], o["defined_at"]) for o in data["objects"]] == [
        ("h1", "hosts.yaml:3"),
        ("h2", "hosts.yaml:4"),
    ]


# --- the JSON Schema -------------------------------------------------------------------------


def test_schema_command_prints_a_valid_json_schema(run):
    r = run("schema")
    assert r.code == 0
    assert r.out == schema_text()
    schema = json.loads(r.out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)  # the meta-schema check


@pytest.mark.parametrize("name", sorted(p.name for p in LAB.glob("*.yaml")))
def test_schema_validates_every_lab_file_read_by_plain_pyyaml(run, name):
    schema = json.loads(run("schema").out)
    document = yaml.safe_load((LAB / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_schema_rejects_what_validate_rejects(run):
    validator = jsonschema.Draft202012Validator(json.loads(run("schema").out))
    bad = [
        {"version": 2},
        {"version": 1, "hosts": [{"id": "h", "memroy": "1GiB"}]},
        {"version": 1, "hosts": [{"id": "h", "memory": "64 Gb"}]},
        {"version": 1, "vms": [{"id": "v", "runs_on": "h"}]},
        {"version": 1, "live": {"etcd": [{"cluster": "e", "endpoints": ["x"], "password": "p"}]}},
        {"version": 1, "hosts": [{"id": "Upper"}]},
    ]
    for document in bad:
        assert not validator.is_valid(document), document


def test_schema_documents_every_section():
    schema = json.loads(schema_text())
    assert set(schema["properties"]) == {
        "version",
        "include",
        "sites",
        "failure_domains",
        "hosts",
        "vms",
        "containers",
        "clusters",
        "services",
        "networks",
        "storage",
        "views",
        "scenarios",
        "live",
    }


def test_schema_is_shipped_in_the_package():
    import topodoc.reading

    shipped = Path(topodoc.reading.__file__).with_name("topology.schema.json")
    assert shipped.read_text(encoding="utf-8") == schema_text()


def test_schema_works_with_draft_07_validators_as_editors_use():
    """Editors' YAML language servers validate with draft-07: the schema must mean the same."""
    schema = json.loads(schema_text())
    draft7 = {**schema, "$schema": "http://json-schema.org/draft-07/schema#"}
    jsonschema.Draft7Validator.check_schema(draft7)
    validator = jsonschema.Draft7Validator(draft7)
    for path in sorted(LAB.glob("*.yaml")):
        assert validator.is_valid(yaml.safe_load(path.read_text(encoding="utf-8"))), path.name
    assert not validator.is_valid({"version": 1, "hosts": [{"id": "h", "memroy": "1GiB"}]})
    assert not validator.is_valid({"version": 1, "live": {"timeout": 0}})
