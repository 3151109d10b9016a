"""docs/manual/drift.rst keeps telling the truth: its demo output is the demo's output, its
examples parse, and the flags it documents exist."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.support.paths import REPO as ROOT
from topodoc.cli.main import main
from topodoc.drift.ignore import IgnoreRules, parse_ignore_text

DOC = ROOT / "docs" / "manual" / "drift.rst"


def code_blocks(language: str) -> list[str]:
    """The bodies of the ``.. code-block:: LANGUAGE`` blocks, dedented."""
    blocks = []
    lines = DOC.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.strip() != f".. code-block:: {language}":
            continue
        indent = len(line) - len(line.lstrip()) + 3
        body = []
        for following in lines[i + 2 :]:
            if following.strip() and len(following) - len(following.lstrip()) < indent:
                break
            body.append(following[indent:])
        blocks.append("\n".join(body).strip("\n") + "\n")
    return blocks


def steady(console: str) -> str:
    """Console text without the time of the check and the durations."""
    console = re.sub(r"checked [0-9T:Z-]+\)", "checked TIME)", console)
    return re.sub(r"\d+\.\d\d s", "N s", console)


def test_the_demo_output_shown_is_the_demos(topodoc) -> None:
    shown = [b for b in code_blocks("text") if b.startswith("topodoc drift: ")]
    assert len(shown) == 1
    run = topodoc("drift", "--demo")
    assert steady(shown[0]) == steady(run.out)


def test_the_ignore_file_example_means_what_the_text_says() -> None:
    example = next(b for b in code_blocks("text") if b.startswith("# Throw-away"))
    rules = IgnoreRules(parse_ignore_text(example, ".topodocignore"))
    assert rules.ignores("vm:test-42") is not None
    assert rules.ignores("vm:z-k8s-m-2", "memory").reason.startswith("z-k8s-m-2 runs with 16")
    assert rules.ignores("vm:os-compute-2", "autostart") is not None
    assert rules.ignores("vm:os-compute-1", "autostart") is None  # re-included
    assert rules.ignores("k8s-node:z-k8s/zcloud", "roles") is not None
    assert rules.ignored_kinds() == frozenset({"storage-pool"})


def test_the_baseline_example_parses() -> None:
    example = next(b for b in code_blocks("text") if b.startswith("# topodoc drift baseline"))
    assert [r.pattern for r in parse_ignore_text(example, "baseline")] == [
        "vm:kvm-k8s-3",
        "vm:os-compute-2.nested_virt",
        "vm:z-k8s-m-2.memory",
        "k8s-node:z-k8s/zcloud-3.ready",
    ]


@pytest.mark.parametrize("block", code_blocks("yaml"))
def test_yaml_examples_parse(block: str) -> None:
    assert yaml.safe_load(block) is not None


def test_documented_flags_exist(capsys: pytest.CaptureFixture[str]) -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"``(--[a-z-]+)", text)) - {"--etcd-servers"}  # kube's
    assert len(documented) > 10
    with pytest.raises(SystemExit) as exc:
        main(["drift", "--help"])
    assert exc.value.code == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith("usage: topodoc drift")
    missing = [flag for flag in documented if not re.search(rf"{flag}\b", help_text)]
    assert missing == []
