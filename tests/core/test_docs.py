"""The manual pages say what the code does: every rule, field and command, and real output."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from tests.support.paths import EXAMPLE, REPO
from topodoc.reading.rules import RULES, SILENCEABLE
from topodoc.reading.schema import schema

MANUAL = REPO / "docs" / "manual"
TOPOLOGY_RST = (MANUAL / "topology.rst").read_text(encoding="utf-8")
CLI_RST = (MANUAL / "cli.rst").read_text(encoding="utf-8")


def blocks(text: str, language: str) -> list[str]:
    """The contents of every ``code-block:: LANGUAGE``, dedented."""
    found = re.findall(rf"\.\. code-block:: {language}\n\n((?:   .*\n|\n)+)", text)
    return [
        "\n".join(line[3:] for line in block.rstrip("\n").splitlines()) + "\n" for block in found
    ]


def console_output(text: str, command: str) -> list[str]:
    """The output lines shown after ``$ COMMAND`` in a console block (up to the next ``$``)."""
    for block in blocks(text, "console"):
        lines = block.splitlines()
        for index, line in enumerate(lines):
            if line == f"$ {command}":
                out = []
                for following in lines[index + 1 :]:
                    if following.startswith("$ "):
                        break
                    out.append(following)
                return out
    raise AssertionError(f"no console example of {command!r}")


def matches(shown: list[str], real: list[str]) -> None:
    """Every shown line is a real line, in order; ``...`` in the docs skips lines."""
    position = 0
    for line in shown:
        if line.strip() == "...":
            continue
        assert line in real[position:], f"{line!r} is not in the real output"
        position = real.index(line, position) + 1


def test_the_rules_table_lists_every_rule_with_its_severity():
    section = TOPOLOGY_RST.split("The semantic rules\n")[1].split("File and schema problems")[0]
    rows = re.findall(r"   \* - ``([a-z-]+)``\n     - (error / warning|error|warning)\n", section)
    assert [rule for rule, _ in rows] == list(RULES)
    for rule, severity in rows:
        expected = "error / warning" if rule == "capacity-memory" else RULES[rule][0]
        assert severity == expected, rule
        described = section.split(f"``{rule}``")[1].split("   * - ``")[0]
        assert ("Cannot be silenced" in described) == (rule not in SILENCEABLE), rule


def test_every_schema_field_is_documented():
    names: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema())
    missing = sorted(
        n
        for n in names
        if f"``{n}``" not in TOPOLOGY_RST
        and f"{{{n}" not in TOPOLOGY_RST
        and f", {n}" not in TOPOLOGY_RST
    )
    assert missing == []


def test_every_enum_value_is_documented():
    values: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            values.update(v for v in node.get("enum", ()) if isinstance(v, str))
            for value in node.values():
                walk(value)

    walk(schema())
    assert sorted(v for v in values if f"``{v}``" not in TOPOLOGY_RST) == []


def test_the_limits_are_the_code_s():
    from topodoc.reading.files import DEFAULT_MAX_FILE_BYTES
    from topodoc.reading.yamlpos import MAX_ALIAS_EXPANSION, MAX_DEPTH

    limits = TOPOLOGY_RST.split("\nLimits\n")[1]
    assert f"{DEFAULT_MAX_FILE_BYTES // 2**20} MiB" in limits
    assert f"{MAX_DEPTH} levels" in limits
    assert f"{MAX_ALIAS_EXPANSION:,} nodes" in limits


def test_the_first_example_validates_as_shown(tmp_path, run, monkeypatch):
    example = blocks(TOPOLOGY_RST, "yaml")[0]
    (tmp_path / "topology").mkdir()
    (tmp_path / "topology" / "lab.yaml").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = run("validate", "topology/")
    assert r.code == 0
    assert (
        console_output(TOPOLOGY_RST, ".venv/bin/topodoc validate topology/")
        == (r.out + r.err).splitlines()
    )


def test_the_error_examples_are_real(tmp_path, run, monkeypatch):
    """The size and secret examples: the lab with 64Gb for zcloud's memory and a password."""
    shutil.copytree(EXAMPLE, tmp_path / "topology")
    hosts = tmp_path / "topology" / "hosts.yaml"
    hosts.write_text(hosts.read_text().replace("    memory: 256GiB ", "    memory: 64Gb   "))
    live = tmp_path / "topology" / "live.yaml"
    live.write_text(live.read_text() + "      password: hunter2\n")
    monkeypatch.chdir(tmp_path)
    real = run("validate", "topology").out.splitlines()
    shown = [
        b.strip()
        for b in blocks(TOPOLOGY_RST, "text")
        if "[size-format]" in b or "[unknown-key]" in b
    ]
    assert len(shown) == 2
    for line in shown:
        assert line in real


def test_the_silenced_example_is_real(run, monkeypatch):
    monkeypatch.chdir(REPO)
    real = run("validate", "topology", "--show-silenced").out.splitlines()
    [shown] = [b.strip() for b in blocks(TOPOLOGY_RST, "text") if ": silenced: " in b]
    assert shown in real


def test_every_core_command_is_documented():
    for command in ("validate", "export", "impact", "schema", "render", "drift"):
        assert f"\n{command}\n{'=' * len(command)}\n" in CLI_RST, command
    for code in ("``0``", "``1``", "``2``"):
        assert code in CLI_RST.split("Exit codes\n")[1].split("\nvalidate\n")[0]


@pytest.fixture
def broken_lab(tmp_path, monkeypatch) -> Path:
    [example] = [b for b in blocks(CLI_RST, "yaml") if "runs_on: zclod" in b]
    (tmp_path / "topology").mkdir()
    (tmp_path / "topology" / "lab.yaml").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_validate_example(broken_lab, run):
    r = run("validate", "topology/")
    assert r.code == 1
    shown = console_output(CLI_RST, ".venv/bin/topodoc validate topology/")
    assert shown == (r.out + r.err).splitlines()


def test_cli_validate_json_example(broken_lab, run):
    r = run("validate", "topology/", "--format", "json")
    shown = console_output(CLI_RST, ".venv/bin/topodoc validate topology/ --format json")
    matches(shown, r.out.splitlines())
    assert json.loads(r.out)["objects"] == 2


def test_cli_validate_lab_example(run, monkeypatch):
    monkeypatch.chdir(REPO)
    [block] = [b for b in blocks(CLI_RST, "console") if "22 silenced" in b]
    for command in ("validate topology/", "validate topology/ --show-silenced"):
        r = run(*command.split())
        shown = console_output(
            f".. code-block:: console\n\n{textwrap.indent(block, '   ')}",
            f".venv/bin/topodoc {command}",
        )
        matches(
            [line for line in shown if not line.startswith(("$", "0"))],
            (r.out + r.err).splitlines(),
        )
    narrow = run("impact", "topology/", "--width", "80").out.splitlines()
    matches(console_output(CLI_RST, ".venv/bin/topodoc impact topology/ --width 80"), narrow)
    assert max(len(line) for line in narrow) <= 80


@pytest.mark.parametrize(
    "command",
    [
        "impact topology/",
        "impact topology/ --object zcloud-2 --object z-etcd --object z-k8s-m-1",
        "impact topology/ --object zcloud-2 --format json",
        "impact topology/ --together zcloud-2 zcloud-3",
        "render topology/ --view physical -o physical.svg",
        "export topology/ -o lab.json",
    ],
)
def test_cli_lab_examples(run, monkeypatch, tmp_path, command):
    shutil.copytree(EXAMPLE, tmp_path / "topology")
    monkeypatch.chdir(tmp_path)
    r = run(*command.split())
    assert r.code == 0
    shown = console_output(CLI_RST, f".venv/bin/topodoc {command}")
    matches(shown, (r.out + r.err).splitlines())


def test_cli_export_object_example(run):
    [shown] = [b for b in blocks(CLI_RST, "json") if '"id": "z-k8s-m-2"' in b]
    exported = json.loads(run("export", EXAMPLE).out)
    [real] = [o for o in exported["objects"] if o["id"] == "z-k8s-m-2"]
    assert json.loads(shown) == real
