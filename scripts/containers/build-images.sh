#!/usr/bin/env bash
# Builds the worker image with no container registry:
#   1. localhost/assay-node-base: busybox + this host's node binary + the shared libraries node and
#      the nodejs-polars native addon load (ldd), imported as a root filesystem (`podman import`).
#   2. the worker's production folder on the host: tsc build + `pnpm deploy --prod` (Dockerfile.worker
#      copies it; the base image has no npm to install anything).
#   3. localhost/assay-worker from Dockerfile.worker with BASE_IMAGE=localhost/assay-node-base.
#   4. localhost/assay-redis: the host's redis-server (+ redis-cli for compose's healthcheck) the same
#      way, for tests on an internal network and as compose.test.yaml's stand-in for redis:7.
#   5. the api's and the scheduler's production folders, and localhost/assay-api, localhost/assay-scheduler
#      from the Dockerfile's targets (compose.yaml builds the same images with `--build`).
# Elsewhere, `build-images.sh folders` (steps 2 and 5's folders) + `docker compose build` builds on the
# public node image instead.
#
#   scripts/containers/build-images.sh          (run scripts/containers/setup.sh first)
#   scripts/containers/build-images.sh folders  (only the .build/{worker,api,scheduler} folders; no podman)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${ASSAY_PODMAN_DIR:-/tmp/assay-podman}
BASE_IMAGE=${ASSAY_BASE_IMAGE:-localhost/assay-node-base:latest}
WORKER_IMAGE=${ASSAY_WORKER_IMAGE:-localhost/assay-worker:latest}
REDIS_IMAGE=${ASSAY_REDIS_IMAGE:-localhost/assay-redis:latest}
API_IMAGE=${ASSAY_API_IMAGE:-localhost/assay-api:latest}
SCHEDULER_IMAGE=${ASSAY_SCHEDULER_IMAGE:-localhost/assay-scheduler:latest}

step() { local name=$1 start; shift; start=$(date +%s.%N); "$@"; printf '%-28s %6.1f s\n' "$name" "$(echo "$(date +%s.%N) - $start" | bc)" >&2; }

# A service's production folder .build/<name>: its dist/ and production node_modules only
# (--legacy: deploy without inject-workspace-packages; workspace deps are copied with their dist/).
# Not managing pnpm's own version: its lookup of every platform's pnpm binary fails now and then
# (ERR_PNPM_BAD_CONFIG_DEP, a 404 for @pnpm/exe.netbsd-x64) and the running pnpm deploys the same.
deploy_folder() {
  local package=$1 dir=$ROOT/.build/$2
  rm -rf "$dir"
  (cd "$ROOT" && pnpm --config.manage-package-manager-versions=false --filter "$package" deploy --prod --legacy "$dir" >/dev/null)
}

# The three folders the Dockerfiles copy; the api's carries the dashboard's static build.
folders() {
  cd "$ROOT"
  ./node_modules/.bin/tsc -b services/worker-image services/api services/scheduler
  (cd packages/dashboard && ../../node_modules/.bin/vite build --logLevel warn)
  deploy_folder @assay/worker-image worker
  deploy_folder @assay/api api
  cp -r packages/dashboard/dist "$ROOT/.build/api/dashboard"
  deploy_folder @assay/scheduler scheduler
}

if [[ ${1:-} == folders ]]; then step "deploy folders (.build/)" folders; exit 0; fi

[[ -f $DIR/env.sh ]] || { echo "run scripts/containers/setup.sh first" >&2; exit 1; }
# shellcheck disable=SC1091
. "$DIR/env.sh"

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
  import_rootfs "$REDIS_IMAGE" "$(command -v redis-server)" "$(command -v redis-cli)"
}

worker_image() {
  podman build --pull=never --format docker -q -f "$ROOT/Dockerfile.worker" --build-arg "BASE_IMAGE=$BASE_IMAGE" \
    -t "$WORKER_IMAGE" "$ROOT" >/dev/null
}

# The api's and the scheduler's images: targets of the one Dockerfile, built like the worker's.
service_image() {
  podman build --pull=never --format docker -q -f "$ROOT/Dockerfile" --target "$1" \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$2" "$ROOT" >/dev/null
}

step "base image ($BASE_IMAGE)" base_image
step "deploy folders (.build/)" folders
step "worker image ($WORKER_IMAGE)" worker_image
step "redis image ($REDIS_IMAGE)" redis_image
step "api image ($API_IMAGE)" service_image api "$API_IMAGE"
step "scheduler image" service_image scheduler "$SCHEDULER_IMAGE"
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "assay-(node-base|worker|redis|api|scheduler)"
# the previous builds' layers (an image still used by a container stays)
podman image prune -f >/dev/null || true
