#!/usr/bin/env bash
# Builds the worker image with no container registry:
#   1. localhost/assay-node-base: busybox + this host's node binary + the shared libraries node and
#      the nodejs-polars native addon load (ldd), imported as a root filesystem (`podman import`).
#   2. the worker's production folder on the host: tsc build + `pnpm deploy --prod` (Dockerfile.worker
#      copies it; the base image has no npm to install anything).
#   3. localhost/assay-worker from Dockerfile.worker with BASE_IMAGE=localhost/assay-node-base.
#   4. localhost/assay-redis: the host's redis-server the same way, for tests on an internal network.
# Elsewhere, step 2 + `docker build -f Dockerfile.worker .` builds on the public node image instead.
#
#   scripts/containers/build-images.sh      (run scripts/containers/setup.sh first)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${ASSAY_PODMAN_DIR:-/tmp/assay-podman}
BASE_IMAGE=${ASSAY_BASE_IMAGE:-localhost/assay-node-base:latest}
WORKER_IMAGE=${ASSAY_WORKER_IMAGE:-localhost/assay-worker:latest}
REDIS_IMAGE=${ASSAY_REDIS_IMAGE:-localhost/assay-redis:latest}
DEPLOY_DIR=$ROOT/.build/worker
[[ -f $DIR/env.sh ]] || { echo "run scripts/containers/setup.sh first" >&2; exit 1; }
# shellcheck disable=SC1091
. "$DIR/env.sh"

step() { local name=$1 start; shift; start=$(date +%s.%N); "$@"; printf '%-28s %6.1f s\n' "$name" "$(echo "$(date +%s.%N) - $start" | bc)" >&2; }

# Imports a root filesystem of busybox + the given host files (binaries, native addons) + every
# shared library they load (ldd) as image $1. Binaries go to /usr/bin; addons only bring their libraries.
import_rootfs() {
  local tag=$1 rootfs=$DIR/rootfs-$RANDOM file lib; shift
  rm -rf "$rootfs" && mkdir -p "$rootfs"/{bin,usr/bin,etc,tmp,app} && chmod 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in sh cat ls env id sleep ps kill; do ln -s busybox "$rootfs/bin/$applet"; done
  for file in "$@"; do [[ $file == *.node ]] || cp "$(readlink -f "$file")" "$rootfs/usr/bin/$(basename "$file")"; done
  for lib in $(for file in "$@"; do ldd "$file"; done | awk '/=>/ {print $3} /ld-linux/ {print $1}' | sort -u); do
    mkdir -p "$rootfs$(dirname "$lib")" && cp -L "$lib" "$rootfs$lib"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nassay:x:10001:10001::/app:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nassay:x:10001:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  tar -C "$rootfs" -c . | podman import -c 'ENV PATH=/usr/bin:/bin' -c 'WORKDIR /app' - "$tag" >/dev/null
  rm -rf "$rootfs"
}

# node + the libraries the nodejs-polars addon (linux-x64-gnu, glibc) needs beyond node's own.
base_image() {
  import_rootfs "$BASE_IMAGE" "$(command -v node)" \
    "$(ls "$ROOT"/node_modules/.pnpm/nodejs-polars-linux-x64-gnu@*/node_modules/nodejs-polars-linux-x64-gnu/*.node | head -1)"
}

# Redis for the docker runtime's tests (a worker on an internal network reaches only this container).
redis_image() {
  import_rootfs "$REDIS_IMAGE" "$(command -v redis-server)"
}

worker_folder() {
  cd "$ROOT"
  ./node_modules/.bin/tsc -b services/worker-image
  rm -rf "$DEPLOY_DIR"
  # --legacy: deploy without inject-workspace-packages; workspace deps are copied with their dist/.
  pnpm --filter @assay/worker-image deploy --prod --legacy "$DEPLOY_DIR" >/dev/null
}

worker_image() {
  podman build --pull=never --format docker -q -f "$ROOT/Dockerfile.worker" --build-arg "BASE_IMAGE=$BASE_IMAGE" \
    -t "$WORKER_IMAGE" "$ROOT" >/dev/null
}

step "base image ($BASE_IMAGE)" base_image
step "worker folder (pnpm deploy)" worker_folder
step "worker image ($WORKER_IMAGE)" worker_image
step "redis image ($REDIS_IMAGE)" redis_image
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "assay-(node-base|worker|redis)"
# the previous builds' layers (an image still used by a container stays)
podman image prune -f >/dev/null || true
