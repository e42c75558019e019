# syntax=docker/dockerfile:1.7
# CMS dashboard image: Next.js standalone output (server.js plus only the node_modules it traces), no npm at run time.
# Build from the repository root:  docker build -f docker/cms-frontend.Dockerfile -t trading/cms-frontend .
# Nothing is baked in: the dashboard reads NEXT_PUBLIC_API_URL, CMS_BACKEND_URL and its secrets (NEXTAUTH_SECRET)
# from the environment at run time (apps/cms-frontend/src/lib/config.ts), so one image serves every deployment.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS prune
WORKDIR /repo
COPY . .
RUN npx --yes turbo@2.11.11 prune @trading/cms-frontend --docker --out-dir /pruned

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
ENV TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 NEXT_OUTPUT_STANDALONE=1
COPY --from=prune /pruned/json/ ./
RUN npm ci --no-audit --no-fund
COPY --from=prune /pruned/full/ ./
COPY tsconfig.base.json eslint.config.js ./
COPY schemas/ ./schemas/
RUN npx turbo run build --filter=@trading/cms-frontend \
 && mkdir -p apps/cms-frontend/public

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=3000 HOSTNAME=0.0.0.0
WORKDIR /app
# The standalone tree mirrors the monorepo: the server lives at apps/cms-frontend/server.js.
COPY --from=build --chown=node:node /repo/apps/cms-frontend/.next/standalone/ ./
COPY --from=build --chown=node:node /repo/apps/cms-frontend/.next/static/ ./apps/cms-frontend/.next/static/
COPY --from=build --chown=node:node /repo/apps/cms-frontend/public/ ./apps/cms-frontend/public/
COPY --chown=node:node docker/healthcheck.mjs /usr/local/lib/healthcheck.mjs
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/usr/local/lib/healthcheck.mjs", "/login", "3000"]
CMD ["node", "apps/cms-frontend/server.js"]
