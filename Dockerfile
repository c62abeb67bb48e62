# refget server image. Multi-stage: the build stages carry python3/make/g++ (better-sqlite3
# compiles with node-gyp) and dev dependencies; the runtime stage has only the node binary,
# production node_modules, dist/ and the bundled sample. See docs/deploy.md.
#   docker build -t refget-server .
#   docker run --rm -v refget-data:/data -v "$PWD:/in:ro" refget-server ingest /in/genome.fa.gz
#   docker run -p 8080:8080 -v refget-data:/data:ro refget-server
#
# BASE is a Node 20 image with npm and headers (node:20-slim). The runtime stage starts from the
# same Debian release without Node (RUNTIME_BASE) and takes only /usr/local/bin/node from BASE:
# npm, yarn, corepack and the C headers (about 80 MB) never reach the final image.
ARG BASE=node:20-slim
ARG RUNTIME_BASE=debian:bookworm-slim

# --- toolchain: what node-gyp needs to compile better-sqlite3 ---------------------------------
FROM ${BASE} AS toolchain
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# --- build: dev dependencies + tsc -> dist/ ----------------------------------------------------
FROM toolchain AS build
COPY package.json package-lock.json ./
# node-gyp builds against the headers that ship with the base image's node (node:20-slim has
# them in /usr/local/include/node) instead of downloading them: only the npm registry is needed.
RUN if [ -f /usr/local/include/node/common.gypi ]; then export npm_config_nodedir=/usr/local; fi \
 && npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- production dependencies only ---------------------------------------------------------------
FROM toolchain AS prod-deps
COPY package.json package-lock.json ./
# The compiled addon is all better-sqlite3 needs at run time: keep build/Release/better_sqlite3.node
# and drop its C sources and build tree (13 MB). Source maps, type declarations, READMEs and the
# packages' own test folders are not needed to run either.
RUN if [ -f /usr/local/include/node/common.gypi ]; then export npm_config_nodedir=/usr/local; fi \
 && npm ci --omit=dev \
 && npm cache clean --force \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node /tmp/ \
 && rm -rf build deps src \
 && mkdir -p build/Release \
 && mv /tmp/better_sqlite3.node build/Release/ \
 && cd /app/node_modules \
 && find . -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -iname '*.md' \) -delete \
 && rm -rf ./*/test ./*/tests ./@*/*/test ./@*/*/tests

# --- runtime --------------------------------------------------------------------------------------
FROM ${RUNTIME_BASE} AS runtime
COPY --from=toolchain /usr/local/bin/node /usr/local/bin/node
# MALLOC_MMAP_THRESHOLD_: see workerEnvFromEnv in src/config.ts (also for --workers 1, which
# serves from this process).
ENV NODE_ENV=production \
    MALLOC_MMAP_THRESHOLD_=131072 \
    REFGET_STORE=/data/store \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
RUN groupadd --gid 10001 refget \
 && useradd --uid 10001 --gid refget --home-dir /app --no-create-home --shell /usr/sbin/nologin refget \
 && mkdir -p /data \
 && chown refget:refget /data
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY data/sample ./data/sample
COPY web ./web
USER refget
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["serve"]
