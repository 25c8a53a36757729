#!/usr/bin/env bash
# The whole test suite (`npm test` / `pnpm test`): makes sure Redis and the container engine
# (podman's Docker-compatible API, with the worker image built locally) are there, then runs vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-redis.sh
bash scripts/containers/setup.sh
bash scripts/containers/build-images.sh
# shellcheck disable=SC1091
. "${ASSAY_PODMAN_DIR:-/tmp/assay-podman}/env.sh"
exec pnpm exec vitest run "$@"
