#!/usr/bin/env bash
# Installs Debian packages the tests need when their command is missing:
#   ensure-apt.sh <command>=<package> ...
set -euo pipefail
missing=()
for pair in "$@"; do
  command -v "${pair%%=*}" >/dev/null || missing+=("${pair#*=}")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then echo "missing: ${missing[*]} (sudo apt-get install -y ${missing[*]})" >&2; exit 1; fi
echo "installing ${missing[*]} (Debian)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
