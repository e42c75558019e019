# syntax=docker/dockerfile:1.7
# Exchange simulator image (OKX V5 + Polymarket CLOB): for staging and paper runs only, never next to live keys.
# Build from the repository root:  docker build -f docker/exchange-sim.Dockerfile -t trading/exchange-sim .
# Stages: prune (turbo keeps only this app and the workspaces it needs) → build (npm ci + turbo build) →
# prod (dev dependencies removed) → runtime (slim Node, non-root, no secrets: configuration comes from the
# environment at run time, see docker/*/.env.example).
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS prune
WORKDIR /repo
COPY . .
RUN npx --yes turbo@2.11.11 prune @trading/exchange-sim --docker --out-dir /pruned

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
ENV TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
# Dependencies first (package.json files + pruned lockfile) so this layer is cached until they change.
COPY --from=prune /pruned/json/ ./
RUN npm ci --no-audit --no-fund
COPY --from=prune /pruned/full/ ./
COPY tsconfig.base.json eslint.config.js ./
COPY schemas/ ./schemas/
RUN npx turbo run build --filter=@trading/exchange-sim

FROM build AS prod
# Sources stay: apps read files next to them at run time (the backend's SQL migrations in src/db/migrations).
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .turbo apps/*/.turbo packages/*/.turbo

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=8100
WORKDIR /app
COPY --from=prod --chown=node:node /repo/ ./
COPY --chown=node:node docker/healthcheck.mjs /usr/local/lib/healthcheck.mjs
USER node
EXPOSE 8100
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "/health", "8100"]
CMD ["node", "apps/exchange-sim/dist/main.js"]
