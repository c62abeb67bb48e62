# refget server image. Multi-stage: the build stages carry python3/make/g++ (better-sqlite3
# compiles with node-gyp) and dev dependencies; the runtime stage has only node, production
# node_modules, dist/ and the bundled sample. See docs/deploy.md.
#   docker build -t refget-server .
#   docker run -v refget-data:/data refget-server ingest genome.fa.gz   (the file must be in a mounted dir)
#   docker run -p 8080:8080 -v refget-data:/data:ro refget-server
ARG BASE=node:20-slim

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
# The compiled addon is all better-sqlite3 needs at run time: drop its C sources and build objects.
RUN if [ -f /usr/local/include/node/common.gypi ]; then export npm_config_nodedir=/usr/local; fi \
 && npm ci --omit=dev \
 && cd node_modules/better-sqlite3 \
 && rm -rf deps src build/Release/obj.target build/Release/.deps build/Release/test_extension.node build/deps \
 && npm cache clean --force

# --- runtime --------------------------------------------------------------------------------------
FROM ${BASE} AS runtime
ENV NODE_ENV=production \
    REFGET_STORE=/data/store \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
RUN groupadd --system --gid 10001 refget \
 && useradd --system --uid 10001 --gid refget --home-dir /app --no-create-home --shell /usr/sbin/nologin refget \
 && mkdir -p /data \
 && chown refget:refget /data
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY data/sample ./data/sample
USER refget
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["serve"]
