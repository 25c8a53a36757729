#!/usr/bin/env bash
# Makes this machine serve the Docker Engine API through podman, for the docker runtime and its tests.
# Idempotent: installs what is missing (Debian 12), writes podman's config under a work dir, and starts
# `podman system service` on a unix socket unless one already answers there.
#
#   scripts/containers/setup.sh          # prints: export DOCKER_HOST=unix://<dir>/podman.sock
#   scripts/containers/setup.sh stop     # stops the API service this script started
#
# Why the config is what it is (measured on these machines: cgroup v1/v2 hybrid, no CAP_SYS_RESOURCE):
#   * runc, not crun: crun 1.8 refuses hybrid cgroups.
#   * explicit default ulimits at or below the hard limits: podman's default nofile=1048576 fails
#     to setrlimit without CAP_SYS_RESOURCE.
#   * CONTAINERS_CONF / CONTAINERS_STORAGE_CONF point podman at these files (see env.sh).
set -euo pipefail

DIR=${ASSAY_PODMAN_DIR:-/tmp/assay-podman}
SOCK=$DIR/podman.sock
PIDFILE=$DIR/podman-service.pid

ping_socket() { curl -sf --max-time 2 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; }

if [[ ${1:-} == stop ]]; then
  if [[ -f $PIDFILE ]]; then kill "$(cat "$PIDFILE")" 2>/dev/null || true; rm -f "$PIDFILE" "$SOCK"; fi
  exit 0
fi

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

# --- packages ---
PKGS=(podman runc conmon netavark aardvark-dns containernetworking-plugins golang-github-containers-common
      slirp4netns fuse-overlayfs catatonit busybox-static uidmap iptables curl docker-compose)
missing=()
for pkg in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get -o DPkg::Lock::Timeout=300 update -q
  as_root apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}"
fi

# --- configuration ---
mkdir -p "$DIR"
exec 9>"$DIR/setup.lock" && flock 9 # test files run this in parallel: one starts the service
hard_nofile=$(ulimit -Hn); [[ $hard_nofile == unlimited ]] && hard_nofile=1048576
hard_nproc=$(ulimit -Hu); [[ $hard_nproc == unlimited || $hard_nproc -gt 32768 ]] && hard_nproc=32768
cat > "$DIR/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$hard_nofile:$hard_nofile", "nproc=$hard_nproc:$hard_nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
cat > "$DIR/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$DIR/storage/graph"
runroot = "$DIR/storage/run"
CONF
cat > "$DIR/env.sh" <<CONF
export CONTAINERS_CONF=$DIR/containers.conf
export CONTAINERS_STORAGE_CONF=$DIR/storage.conf
export DOCKER_HOST=unix://$SOCK
# Limits a container's HostConfig.Ulimits may use (both must be given; a partial list fails).
export ASSAY_CONTAINER_NOFILE=$hard_nofile
export ASSAY_CONTAINER_NPROC=$hard_nproc
CONF
# shellcheck disable=SC1091
. "$DIR/env.sh"

# --- Docker-compatible API socket ---
if ! ping_socket; then
  rm -f "$SOCK"
  nohup podman system service --time=0 "unix://$SOCK" >"$DIR/podman-service.log" 2>&1 9>&- &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 100); do ping_socket && break; sleep 0.1; done
  ping_socket || { echo "podman API did not answer on $SOCK; see $DIR/podman-service.log" >&2; exit 1; }
fi
echo "export DOCKER_HOST=unix://$SOCK"
