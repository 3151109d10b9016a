#!/usr/bin/env bash
# Run the test suite: installs what it needs (system packages, .venv, the package with all
# extras), then pytest. pytest's exit code 5 (no tests collected) counts as a failure.
# Without arguments (the whole suite) the code checks run too (scripts/check.sh: ruff check,
# ruff format --check, and mypy as [tool.mypy] in pyproject.toml says: strict on the core).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test || exit 1
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
code=$?
if [[ $code -eq 5 ]]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
if [[ $# -eq 0 ]]; then
  bash scripts/check.sh || code=1
fi
exit $code
