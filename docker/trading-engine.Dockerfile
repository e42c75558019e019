# syntax=docker/dockerfile:1.7
# Trading engine image: one engine process; SUPPORTED_EXCHANGES and ENGINE_ID pick what it runs.
# Build from the repository root:  docker build -f docker/trading-engine.Dockerfile -t trading/trading-engine .
# Stages: prune (turbo keeps only this app and the workspaces it needs) → build (npm ci + turbo build) →
# prod (dev dependencies removed) → runtime (slim Node, non-root, no secrets: configuration comes from the
# environment at run time, see docker/*/.env.example).
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS prune
WORKDIR /repo
COPY . .
RUN npx --yes turbo@2.11.11 prune @trading/trading-engine --docker --out-dir /pruned

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
ENV TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
# Dependencies first (package.json files + pruned lockfile) so this layer is cached until they change.
COPY --from=prune /pruned/json/ ./
RUN npm ci --no-audit --no-fund
COPY --from=prune /pruned/full/ ./
COPY tsconfig.base.json eslint.config.js ./
COPY schemas/ ./schemas/
RUN npx turbo run build --filter=@trading/trading-engine

FROM build AS prod
# Sources stay: apps read files next to them at run time (the backend's SQL migrations in src/db/migrations).
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .turbo apps/*/.turbo packages/*/.turbo

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=3010
WORKDIR /app
COPY --from=prod --chown=node:node /repo/ ./
COPY --chown=node:node docker/healthcheck.mjs /usr/local/lib/healthcheck.mjs
USER node
EXPOSE 3010
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "/health", "3010"]
CMD ["node", "apps/trading-engine/dist/main.js"]
