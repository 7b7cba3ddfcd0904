# syntax=docker/dockerfile:1
# One image for the six services; the command picks the one to run:
#   docker build -t ecommerce-agents .
#   docker run --env-file .env -e PORT=8001 -e DATABASE_URL=postgres://... -p 8001:8001 \
#     ecommerce-agents services/product/dist/src/server.js
# PORT must be set: the health check reads it. docker-compose.yml runs all six from this image.
# Node 24 LTS; `pnpm test:release` replays this file's build stage and runs the result on the same Node.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
# The version in package.json's packageManager field.
RUN npm install --global pnpm@10.34.9
ENV CI=true
WORKDIR /build
# Every package the lockfile names, downloaded in a layer that is reused until the lockfile changes (pnpm reads the
# patches the lockfile names here too).
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
COPY patches ./patches
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm build
# The web app, built to static files the orchestrator serves at /.
RUN pnpm --filter @ecomm/web build
# Production dependencies of the six services and the three packages they load at run time, nothing
# else (no TypeScript, tsx, drizzle-kit, test tools or embedded PostgreSQL), then the compiled
# JavaScript, package manifests, migrations and the built web app gathered into /release.
RUN find . -name node_modules -prune -exec rm -rf {} + \
  && pnpm --filter '@ecomm/*-service' --filter @ecomm/platform --filter @ecomm/contracts --filter @ecomm/offline-model install --prod --frozen-lockfile --offline \
  && mkdir /release \
  && cp -a --parents package.json node_modules \
    packages/platform/package.json packages/platform/dist/src packages/platform/node_modules \
    packages/contracts/package.json packages/contracts/dist/src packages/contracts/node_modules \
    packages/offline-model/package.json packages/offline-model/dist/src packages/offline-model/node_modules \
    services/*/package.json services/*/dist/src services/*/drizzle services/*/node_modules web/dist \
    /release

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /release ./
# The node image's unprivileged user; the services write nothing to disk.
USER node
EXPOSE 8000 8001 8002 8003 8004 8005
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node"]
CMD ["services/orchestrator/dist/src/server.js"]
