#!/usr/bin/env bash
# The whole test suite (`npm test` / `pnpm test`): makes sure Redis, headless Chromium and the
# container engine (podman's Docker-compatible API, with the worker image built locally) are
# there, then runs vitest and prints one closing line with the counts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-redis.sh
bash scripts/ensure-apt.sh chromium=chromium
bash scripts/containers/setup.sh
bash scripts/containers/build-images.sh
# shellcheck disable=SC1091
. "${ASSAY_PODMAN_DIR:-/tmp/assay-podman}/env.sh"
mkdir -p test-artifacts
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-artifacts/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`);
' || true
exit "$status"
