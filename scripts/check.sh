#!/usr/bin/env bash
# The code checks: ruff's lint and format check, and mypy (strict on the core). Run by
# scripts/test.sh before the tests, and by the pre-commit hook (git config core.hooksPath .githooks).
set -uo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin
status=0
"$py/ruff" check . || status=1
"$py/ruff" format --check . || status=1
"$py/mypy" -p topodoc -p sphinxext.topodoc || status=1
exit $status
