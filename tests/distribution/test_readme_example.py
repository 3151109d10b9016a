"""README's "Your own lab in five minutes", followed literally: its YAML, its files, its
commands, and the output it prints, all read from README.md itself."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Your own lab in five minutes\n")[1].split("\n## ")[0]
#: How README's commands are run here: topodoc and sphinx-build of this environment.
COMMANDS = {
    "topodoc": [sys.executable, "-m", "topodoc"],
    "sphinx-build": [sys.executable, "-m", "sphinx"],
}


def _block(after: str, language: str) -> str:
    """The first ```LANGUAGE block following the text ``after`` in the section."""
    rest = SECTION[SECTION.index(after) :]
    return re.search(rf"```{language}\n(.*?)```", rest, re.S).group(1)


def _console(after: str) -> list[tuple[str, list[str]]]:
    """(command, output lines) of the console block following ``after``."""
    steps: list[tuple[str, list[str]]] = []
    for line in _block(after, "console").splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def _run(command: str, cwd: Path) -> tuple[int, list[str]]:
    name, *args = shlex.split(command)
    done = subprocess.run(
        [*COMMANDS[name], *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    return done.returncode, done.stdout.splitlines() + done.stderr.splitlines()


def test_the_readme_example_is_true(tmp_path: Path) -> None:
    [(mkdir, [])] = _console("```console\n$ mkdir")
    assert mkdir == "mkdir -p mylab/topology && cd mylab"
    subprocess.run(["bash", "-c", mkdir], cwd=tmp_path, check=True)
    lab = tmp_path / "mylab"

    saved_as = re.search(r"Save this as `([^`]+)`", SECTION).group(1)
    yaml = _block("Save this as", "yaml")
    (lab / saved_as).write_text(yaml, encoding="utf-8")

    [(command, shown)] = _console("**2. Validate it.**")
    code, real = _run(command, lab)
    assert code == 0 and real == shown

    edits = re.search(
        r"Now change\s+`([^`]+)`\s+to\s+`([^`]+)`\s+and\s+`([^`]+)`\s+to\s+"
        r"`([^`]+)`\s+in\s+`([^`]+)`",
        SECTION,
    ).groups()
    assert edits[4] == saved_as
    changed = yaml
    for old, new in (edits[0:2], edits[2:4]):
        assert changed.count(old) == 1, old
        changed = changed.replace(old, new)
    (lab / saved_as).write_text(changed, encoding="utf-8")
    [(command, shown)] = _console("Now change")
    code, real = _run(command, lab)
    assert code == 1 and real == shown
    # the locations point into the YAML as printed: the host's memory, the mistyped reference
    assert "memory: 256GiB" in yaml.splitlines()[int(shown[0].split(":")[1]) - 1]
    assert "runs_on: os-compute1" in changed.splitlines()[int(shown[1].split(":")[1]) - 1]
    (lab / saved_as).write_text(yaml, encoding="utf-8")  # "Undo the two changes."
    (lab / "conf.py").write_text(_block("a Sphinx project: `conf.py`", "python"), encoding="utf-8")
    (lab / "index.rst").write_text(_block("and `index.rst`:", "rst"), encoding="utf-8")
    [(command, shown)] = _console("Build it:")
    code, real = _run(command, lab)
    assert code == 0, "\n".join(real[-30:])
    assert not [line for line in real if "WARNING" in line]

    index = (lab / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "topodoc-diagram" in index and ".svg" in index
    assert 'href="reference/index.html"' in index
    assert (lab / "_build" / "html" / "reference" / "host" / "zcloud.html").is_file()
    assert "HPE DL360 Gen9" in index  # :ref:`hpe_dl360_gen9` shows the host's name


def test_the_pypi_description_s_example_is_true(tmp_path: Path) -> None:
    """docs/pypi.md (the package's page): its lab validates, its commands run, its page
    builds with -W."""
    text = (REPO / "docs" / "pypi.md").read_text(encoding="utf-8")
    yaml = re.search(r"`topology/lab\.yaml`:\n\n```yaml\n(.*?)```", text, re.S).group(1)
    (tmp_path / "topology").mkdir()
    (tmp_path / "topology" / "lab.yaml").write_text(yaml, encoding="utf-8")
    commands = re.search(r"```console\n(\$ topodoc validate.*?)```", text, re.S).group(1)
    for line in commands.splitlines():
        command = line[2:].split("#")[0].strip()
        code, out = _run(command, tmp_path)
        assert code == (2 if "--demo" in command else 0), (command, out[-5:])
    assert (tmp_path / "physical.svg").is_file()
    conf = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    page = re.search(r"```rst\n(.*?)```", text, re.S).group(1)
    (tmp_path / "conf.py").write_text(conf + 'exclude_patterns = ["_build"]\n', encoding="utf-8")
    (tmp_path / "index.rst").write_text(
        "Lab\n===\n\n.. toctree::\n\n   reference/index\n\n" + page, encoding="utf-8"
    )
    code, out = _run("sphinx-build -W . _build/html", tmp_path)
    assert code == 0, out[-20:]
