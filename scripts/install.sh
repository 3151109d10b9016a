#!/usr/bin/env bash
# Install everything topodoc needs on Debian (as root), idempotently:
# system packages, a virtual environment at .venv/, and the package with all extras.
# Usage: scripts/install.sh [--test]   (--test adds what the test suite needs: etcd, Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

apt_pkgs=(graphviz libvirt-dev pkg-config gcc python3-venv python3-dev fonts-wqy-microhei)
extras="live,dev"
if [[ "${1:-}" == "--test" ]]; then
  apt_pkgs+=(etcd-server chromium)
fi

missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> installing system packages: ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv" >&2
  python3 -m venv .venv
fi
stamp=.venv/.topodoc-installed
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  echo "==> installing topodoc[$extras] into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[$extras]"
  touch "$stamp"
fi
