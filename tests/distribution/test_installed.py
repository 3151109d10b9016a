"""The package as a user gets it: the wheel and the sdist are built from this checkout, the
wheel (with ``[live]``) is installed into a fresh virtual environment, and from a directory
outside the repository a small Sphinx site is built with ``-W`` (default theme, no furo) and
``topodoc validate``, ``render`` and ``drift --demo`` are run. Every file of the packages'
source trees must be in the wheel, and every data file the runs open must come from the
installed package, not from this checkout.

Offline-capable: the build uses the setuptools of the test's own environment
(``--no-isolation``) and pip installs the dependencies from its cache or configured index.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

from topodoc import __version__

REPO = Path(__file__).resolve().parents[2]
PACKAGE_DIRS = {
    "topodoc": REPO / "src" / "topodoc",
    "sphinxext/topodoc": REPO / "sphinxext" / "topodoc",
}
#: Runs a console entry point with an audit hook that records every file opened inside the
#: installed packages (one path a line, relative to site-packages).
RUNNER = """
import os, sys
site = os.path.realpath(sys.argv[1]); log = open(sys.argv[2], "a"); what = sys.argv[3]
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.realpath(os.fsdecode(args[0]))
        if path.startswith(site + os.sep):
            log.write(os.path.relpath(path, site) + "\\n"); log.flush()
sys.addaudithook(hook)
if what == "topodoc":
    from topodoc.cli.main import main
else:
    from sphinx.cmd.build import main
sys.exit(main(sys.argv[4:]))
"""


def _run(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    done = _run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
        cwd=out,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = out.glob("topodoc-*.whl")
    (sdist,) = out.glob("topodoc-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.fixture(scope="module")
def installed(dists: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    """A fresh virtual environment with the wheel and its ``live`` extra."""
    root = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(root / "env")
    python = root / "env" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    done = _run(
        [str(python), "-m", "pip", "install", "-q", "--no-compile", f"{dists['wheel']}[live]"],
        cwd=root,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    site = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=root,
        env=env,
    ).stdout.strip()
    runner = root / "run.py"
    runner.write_text(RUNNER, encoding="utf-8")
    env["TOPODOC_CACHE_DIR"] = str(root / "cache")
    return {
        "python": python,
        "bin": python.parent,
        "site": Path(site),
        "runner": runner,
        "env": env,
        "opened": root / "opened.txt",
    }


def _wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _source_files(directory: Path) -> set[str]:
    return {
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def test_the_wheel_holds_every_file_of_the_packages(dists: dict[str, Path]) -> None:
    names = _wheel_names(dists["wheel"])
    for prefix, directory in PACKAGE_DIRS.items():
        missing = sorted(f for f in _source_files(directory) if f"{prefix}/{f}" not in names)
        assert not missing, f"not in the wheel: {prefix}/{missing}"
    assert "sphinxext/topodoc/static/topodoc.css" in names
    assert "topodoc/reading/topology.schema.json" in names
    assert not [n for n in names if n.startswith(("tests/", "docs/", "benchmarks/", "topology/"))]
    assert f"topodoc-{__version__}.dist-info/licenses/LICENSE" in names


def test_the_metadata_is_for_pypi(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as archive:
        meta = archive.read(f"topodoc-{__version__}.dist-info/METADATA").decode()
    head, _, description = meta.partition("\n\n")
    assert f"Version: {__version__}" in head and "License-Expression: MIT" in head
    assert "Author: topodoc developers" in head and "Classifier: Framework :: Sphinx" in head
    requires = [line for line in head.splitlines() if line.startswith("Requires-Dist:")]
    assert not [r for r in requires if "furo" in r and "extra ==" not in r], requires
    assert any("beautifulsoup4" in r and 'extra == "dev"' in r for r in requires)
    # the long description: no commands of a clone, no links relative to the repository
    assert "scripts/" not in description and ".venv/" not in description
    links = re.findall(r"\]\(([^)]*)\)", description)
    assert all(link.startswith("https://") for link in links), links
    assert "# topodoc" in description and "pip install topodoc" in description


def test_the_sdist_builds_the_same_package(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    for needed in (
        "LICENSE",
        "pyproject.toml",
        "docs/pypi.md",
        "docs/manual/cli.rst",
        "sphinxext/topodoc/static/topodoc.css",
        "src/topodoc/reading/topology.schema.json",
        "tests/distribution/test_installed.py",
    ):
        assert needed in names


LAB = """\
version: 1
hosts:
  - {id: server-1, name: "- spare", cpu: {sockets: 1, cores: 8}, memory: 64GiB, nested_virt: true}
vms:
  - {id: k8s-m-1, runs_on: server-1, platform: libvirt, vcpu: 2, memory: 4GiB}
services:
  - {id: web, runs_on: [k8s-m-1], url: "javascript:alert(1)"}
"""
INDEX = """\
Lab
===

.. toctree::

   reference/index

.. topodoc-diagram:: physical

.. topodoc-table:: vms
   :columns: id, runs_on, vcpu, memory

See :topo:ref:`server-1`.
"""


def _tool(installed, what: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return _run(
        [
            str(installed["python"]),
            str(installed["runner"]),
            str(installed["site"]),
            str(installed["opened"]),
            what,
            *args,
        ],
        cwd=cwd,
        env=installed["env"],
    )


def test_installed_outside_the_repository(installed, tmp_path: Path) -> None:
    project = tmp_path / "site"
    (project / "topology").mkdir(parents=True)
    (project / "topology" / "lab.yaml").write_text(LAB, encoding="utf-8")
    (project / "conf.py").write_text(
        textwrap.dedent("""\
        project = "lab"
        extensions = ["sphinxext.topodoc"]
        """),
        encoding="utf-8",
    )
    (project / "index.rst").write_text(INDEX, encoding="utf-8")

    version = _run(
        [str(installed["python"]), "-m", "topodoc", "--version"], cwd=project, env=installed["env"]
    )
    assert version.stdout.strip() == f"topodoc {__version__}"

    done = _tool(installed, "topodoc", "validate", "topology", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors" in done.stderr and "3 objects in 1 file" in done.stderr

    done = _tool(
        installed, "topodoc", "render", "topology", "--view", "physical", "-o", "p.svg", cwd=project
    )
    assert done.returncode == 0, done.stderr
    assert (project / "p.svg").read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))

    done = _tool(
        installed,
        "topodoc",
        "drift",
        "--demo",
        "-o",
        "json=drift.json",
        "-o",
        "console=-",
        cwd=project,
    )
    # the demo lab drifts and has one unreachable source on purpose: an incomplete scan
    assert done.returncode == 2, done.stderr
    report = json.loads((project / "drift.json").read_text(encoding="utf-8"))
    assert report["summary"]["status"] == "incomplete" and "summary:" in done.stdout
    assert report["summary"]["states"]["missing"] == 1

    done = _tool(
        installed, "sphinx", "-W", "--keep-going", "-b", "html", ".", "_build/html", cwd=project
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    html = project / "_build" / "html"
    assert (html / "_static" / "topodoc.css").is_file()
    index = (html / "index.html").read_text(encoding="utf-8")
    # the stylesheet linked; each diagram laid out once for both themes (theme auto)
    assert "_static/topodoc.css" in index and "topodoc-themed" in index
    page = (html / "reference" / "host" / "server-1.html").read_text(encoding="utf-8")
    assert "<h1>- spare" in page
    web = (html / "reference" / "service" / "web.html").read_text(encoding="utf-8")
    assert 'href="javascript:' not in web and "javascript:alert(1)" in web

    opened = set(installed["opened"].read_text(encoding="utf-8").split())
    data = {
        p
        for p in opened
        if not p.endswith(".py")
        and "/__pycache__/" not in p
        and p.startswith(("topodoc/", "sphinxext/"))
    }
    for needed in (
        "topodoc/reading/topology.schema.json",
        "sphinxext/topodoc/static/topodoc.css",
        "topodoc/demo/recording.json",
    ):
        assert needed in data, sorted(data)
    names = _wheel_names_installed(installed)
    assert data <= names, sorted(data - names)


def _wheel_names_installed(installed) -> set[str]:
    """The files pip installed from the wheel (its RECORD)."""
    (record,) = installed["site"].glob(f"topodoc-{__version__}.dist-info/RECORD")
    return {line.split(",")[0] for line in record.read_text(encoding="utf-8").splitlines()}
