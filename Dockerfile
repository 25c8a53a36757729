# The api and the scheduler: one target each (`--target api` / `--target scheduler`), built the same
# way as Dockerfile.worker. Pre-step on the host (the image installs nothing; the local base has no npm):
#   scripts/containers/build-images.sh folders    # tsc + `pnpm deploy --prod` into .build/{api,scheduler,worker}
# then: docker compose build                       (public node image)
#   or: scripts/containers/build-images.sh         (local base image, no registry needed)
# Each .build/<service> holds the service's dist/ and its production node_modules only; the api's also
# the dashboard's static build. nodejs-polars (the api reads uploads with it) needs glibc: no alpine.
ARG BASE_IMAGE=node:22-bookworm-slim

# What both services share: node, production mode, a non-root uid (the same as the workers').
FROM ${BASE_IMAGE} AS base
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data
USER 10001:10001

FROM base AS api
COPY --chown=0:0 .build/api /app
# Inside a container the api listens on every interface, so API keys stay on (AUTH_DISABLED refuses non-loopback).
ENV HOST=0.0.0.0 PORT=8080 DASHBOARD_DIR=/app/dashboard
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM base AS scheduler
COPY --chown=0:0 .build/scheduler /app
ENV RUNTIME=docker
# Healthy while this scheduler's lease in `<prefix>:schedulers` is unexpired (what the api's /readyz counts).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "--input-type=module", "-e", "const { redisKeys } = await import('@assay/contracts'); const { Redis } = await import('ioredis'); const redis = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 }); const id = process.env.SCHEDULER_ID ?? `sched-${(await import('node:os')).hostname()}`; const expiry = await redis.zscore(redisKeys(process.env.KEY_PREFIX ?? 'assay').schedulers, id).catch(() => null); redis.disconnect(); process.exit(Number(expiry) > Date.now() ? 0 : 1);"]
CMD ["node", "dist/main.js"]
