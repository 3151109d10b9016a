#!/usr/bin/env bash
# The main job on the built-in lab: install everything (system packages, .venv, topodoc with
# all extras), validate topology/, print the failure-impact table, run the demo drift check
# and build the documentation site (which embeds the demo's report). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
topodoc=.venv/bin/topodoc

echo "==> topodoc validate topology/"
$topodoc validate topology/

echo "==> topodoc impact topology/"
$topodoc impact topology/

echo "==> topodoc drift --demo (a lab with deliberate drift; no real lab needed)"
mkdir -p _build/drift
rm -f _build/drift/demo.json
code=0
$topodoc drift --demo -o console=- -o json=_build/drift/demo.json -o junit=_build/drift/demo.xml \
  || code=$?
if [[ ! -s _build/drift/demo.json ]]; then
  echo "error: the demo drift check failed (exit $code) without writing its report" >&2
  exit 1
fi
echo "(the demo reports drift and an unreachable source on purpose: exit code $code)"

echo "==> building the documentation site"
.venv/bin/sphinx-build -q -W --keep-going -c . docs _build/html
echo
echo "Documentation site: file://$PWD/_build/html/index.html"
echo "Demo drift report:  $PWD/_build/drift/demo.json (JUnit: _build/drift/demo.xml)"
