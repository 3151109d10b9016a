"""The core never imports Sphinx or docutils: every module of ``topodoc`` imports with both
blocked (the design card's layering; the extension is the only Sphinx code)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_every_core_module_imports_without_sphinx() -> None:
    script = textwrap.dedent("""
        import importlib, pkgutil, sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("sphinx", "docutils", "sphinxext"):
                    raise ImportError(f"blocked: {name}")
                return None

        sys.meta_path.insert(0, Block())
        import topodoc
        names = [m.name for m in pkgutil.walk_packages(topodoc.__path__, "topodoc.")]
        for name in names:
            importlib.import_module(name)
        print(len(names))
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 40  # every module was walked, the drift collectors included


def test_the_drift_analyzer_and_reports_import_no_client_library() -> None:
    script = textwrap.dedent("""
        import sys
        import topodoc.drift.analyzer, topodoc.drift.reports.outputs, topodoc.drift.expected
        loaded = sorted(n for n in ("libvirt", "openstack", "kubernetes", "keystoneauth1")
                        if n in sys.modules)
        print(",".join(loaded) or "none")
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, "none"), done.stderr
