# syntax=docker/dockerfile:1
# Atlas for production: TypeScript compiled once in a build stage, production dependencies
# only, Node slim, a non-root user. Configure it with the environment (see .env.example).
# CLIs in a running container: `docker compose exec atlas-1 atlas keys list` (`atlas --help`).

# Node 20 is past end of life, so the image runs the current LTS, Node 24. The repository's
# tooling and tests run on Node 20 (the machines that build it have nothing newer); nothing in
# the lockfile needs more than Node 22, and nothing caps it below 24.
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS pnpm
# corepack cannot verify pnpm from every registry mirror (see DEPENDENCIES.md); npm can install it
RUN npm install -g pnpm@10.34.9 && pnpm config set store-dir /pnpm/store
WORKDIR /app

# --- production dependencies, from the lockfile only ---
FROM pnpm AS deps
COPY package.json pnpm-lock.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm fetch --prod \
 && pnpm install --offline --frozen-lockfile --prod --ignore-scripts

# --- compile: every dependency, then `pnpm build`, the same build as `pnpm install` and `pnpm start`
# (scripts/build.mjs: TypeScript on tsconfig.build.json into dist/, migrations and package.json
# beside it as lib/db/migrate.ts and the OpenAPI version expect, dist/app/cli/atlas.js executable) ---
FROM pnpm AS build
COPY package.json pnpm-lock.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch
COPY . .
# --ignore-scripts: `prepare` would build too; once, explicitly, is clearer
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --offline --frozen-lockfile --ignore-scripts \
 && pnpm build

# --- runtime ---
FROM ${NODE_IMAGE} AS runtime
# git: approved artifacts are committed to the GitOps workspace
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    ATLAS_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# the approval console (GET /console): served as it is from /app/console, beside dist/ (server/routes/console.ts)
COPY console ./console
# sample runbooks, ingested on first start while the store is empty (ATLAS_SEED_DOCS=off disables)
COPY docs ./docs
COPY policies/org ./policies/org
RUN mkdir -p /data /gitops && chown node:node /data /gitops \
 && ln -s /app/dist/app/cli/atlas.js /usr/local/bin/atlas
# the `node` user (uid 1000) of the official image; nothing in /app is writable by it
USER node
VOLUME ["/data"]
EXPOSE 8787
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 8787}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/app/main.js"]
