"""Snapshots: round trip, determinism, atomic writes, and every SnapshotError."""

from __future__ import annotations

import json

import pytest

from topodoc.drift.resources import Resource, SourceResult
from topodoc.drift.snapshot import SnapshotError, read_snapshot, write_snapshot

TAKEN = "2026-01-02T03:04:05Z"


def results():
    vm = Resource(
        "vm:a",
        "vm",
        {"disks": ["vda"], "memory": 2**30, "autostart": True},
        "libvirt:z",
        "hypervisor:z",
    )
    return [
        SourceResult("openstack:o", "openstack", "zc", "timeout", "no answer", 30.0),
        SourceResult(
            "libvirt:z",
            "libvirt",
            "test:///x",
            "ok",
            None,
            0.1234,
            9,
            [vm, Resource("hypervisor:z", "hypervisor", {"cpus": 4}, "libvirt:z")],
        ),
    ]


def test_round_trip_is_exact_and_deterministic(tmp_path):
    path = tmp_path / "snap.json"
    write_snapshot(path, results(), taken_at=TAKEN)
    first = path.read_bytes()
    document = json.loads(first)
    assert document["format_version"] == "1.2" and document["taken_at"] == TAKEN
    assert [s["id"] for s in document["sources"]] == ["libvirt:z", "openstack:o"]
    back = read_snapshot(path)
    assert [r.to_json() for r in back] == [
        r.to_json() for r in sorted(results(), key=lambda r: r.id)
    ]
    write_snapshot(path, list(reversed(back)), taken_at=TAKEN)
    assert path.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap.json"]  # no temp file left


def test_newer_minor_version_is_read(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps({"format_version": "1.7", "taken_at": TAKEN, "sources": [], "added_later": True})
    )
    assert read_snapshot(path) == []


def write(tmp_path, content):
    path = tmp_path / "s.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def source(**changes):
    data = results()[1].to_json()
    data.update(changes)
    return {"format_version": "1.0", "taken_at": TAKEN, "sources": [data]}


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"format_version": "1.0",\n oops}', r"s\.json:2:2: not valid JSON"),
        ([], "a snapshot is a JSON object, not a list"),
        ({"format_version": "2.0", "sources": []}, "snapshot format_version 2.0 is not supported"),
        ({"sources": []}, "not a topodoc snapshot \\(no format_version\\)"),
        ({"format_version": "1.0", "sources": {}}, "'sources' must be a list, not an object"),
        ({"format_version": "1.0", "sources": [7]}, r"sources\[0\]: must be an object, not int"),
        (source(id=None), r"sources\[0\]: 'id' must be a string"),
        (source(status="fine"), "unknown status 'fine'"),
        (
            source(resources=[{"key": "vm:a", "kind": "vm", "source": "s"}]),
            r"resources\[0\] must be an object with string key, kind, source and an attrs object",
        ),
        (source(duration_s="slow"), r"sources\[0\]: malformed \(ValueError"),
    ],
)
def test_bad_snapshots_name_the_file_and_the_problem(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(SnapshotError, match=message) as caught:
        read_snapshot(path)
    assert str(caught.value).startswith(str(path))


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(SnapshotError, match="no such snapshot"):
        read_snapshot(tmp_path / "absent.json")
    with pytest.raises(SnapshotError, match="cannot read the snapshot"):
        read_snapshot(tmp_path)  # a directory
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SnapshotError, match="not a snapshot: not UTF-8 text"):
        read_snapshot(tmp_path / "bin.json")
