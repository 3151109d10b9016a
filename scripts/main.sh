#!/usr/bin/env bash
# The main job on the built-in lab: install everything, validate topology/, print the
# failure-impact table, build the documentation site, and run the demo drift check.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
topodoc=.venv/bin/topodoc

echo "==> topodoc validate topology/"
$topodoc validate topology/

echo "==> topodoc impact topology/"
$topodoc impact topology/
