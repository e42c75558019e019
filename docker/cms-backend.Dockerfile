# syntax=docker/dockerfile:1.7
# CMS backend image: the API server by default; the same image runs the BullMQ workers with CMD node apps/cms-backend/dist/worker.js.
# Build from the repository root:  docker build -f docker/cms-backend.Dockerfile -t trading/cms-backend .
# Stages: prune (turbo keeps only this app and the workspaces it needs) → build (npm ci + turbo build) →
# prod (dev dependencies removed) → runtime (slim Node, non-root, no secrets: configuration comes from the
# environment at run time, see docker/*/.env.example).
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS prune
WORKDIR /repo
COPY . .
RUN npx --yes turbo@2.11.11 prune @trading/cms-backend --docker --out-dir /pruned

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
ENV TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
# Dependencies first (package.json files + pruned lockfile) so this layer is cached until they change.
COPY --from=prune /pruned/json/ ./
RUN npm ci --no-audit --no-fund
COPY --from=prune /pruned/full/ ./
COPY tsconfig.base.json eslint.config.js ./
COPY schemas/ ./schemas/
RUN npx turbo run build --filter=@trading/cms-backend

FROM build AS prod
# Sources stay: apps read files next to them at run time (the backend's SQL migrations in src/db/migrations).
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .turbo apps/*/.turbo packages/*/.turbo

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=3001
WORKDIR /app
COPY --from=prod --chown=node:node /repo/ ./
COPY --chown=node:node docker/healthcheck.mjs /usr/local/lib/healthcheck.mjs
USER node
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "/api/system/health", "3001"]
CMD ["node", "apps/cms-backend/dist/server.js"]
