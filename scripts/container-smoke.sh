#!/usr/bin/env bash
# Container smoke test (not part of npm test): build the image with podman, ingest
# data/sample/I.faa into a named volume, serve it read-only, and check a sequence (md5 of the
# body = md5 of the normalised FASTA), /service-info, /healthz, /readyz, /metrics, the image's
# HEALTHCHECK and a clean exit on `podman stop` (SIGTERM). Exits non-zero on any failure.
#
# Needs: podman, runc, curl, md5sum; debootstrap the first time (see below). Run as root.
#
# No registry is reachable here, so the two base images are made locally when missing (see
# shared/ENVIRONMENT.md): $RUNTIME_BASE_IMAGE, debootstrap minbase bookworm without docs, man pages
# and locales, stands in for debian:bookworm-slim; $BASE_IMAGE, the same plus this host's node,
# npm and node headers, stands in for node:20-slim. Both are cached; `podman --storage-driver vfs
# rmi` of either makes the next run rebuild them. With a registry:
# BASE_IMAGE=docker.io/library/node:20-slim RUNTIME_BASE_IMAGE=docker.io/library/debian:bookworm-slim.
#
# Settings (env): IMAGE, BASE_IMAGE, RUNTIME_BASE_IMAGE, PORT (host port, 127.0.0.1 only), MAX_IMAGE_MB, KEEP_IMAGE=1,
# CONTEXT=worktree (default: the files as they are, like `docker build .`) or CONTEXT=head (the
# committed tree only, via git archive: what CI or a release would build).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/refget-server:smoke}
BASE_IMAGE=${BASE_IMAGE:-localhost/refget-node20-base:bookworm}
RUNTIME_BASE_IMAGE=${RUNTIME_BASE_IMAGE:-localhost/debian-minbase:bookworm}
PORT=${PORT:-18080}
MAX_IMAGE_MB=${MAX_IMAGE_MB:-250}
NAME=refget-smoke-$$
VOLUME=refget-smoke-data-$$
PODMAN=(podman --storage-driver vfs)
RUN=("${PODMAN[@]}" --runtime runc run --ulimit nofile=20000:20000 --ulimit nproc=20000:20000)
# Without systemd, podman complains on stderr that it cannot set up the HEALTHCHECK timer; the
# check itself still runs (`podman healthcheck run` below). Drop only that noise.
quiet() { "$@" 2> >(grep -v 'systemd connection' >&2); }
URL=http://127.0.0.1:$PORT

step() { printf '\n== %s\n' "$*"; }
fail() { printf '\nSMOKE FAILED: %s\n' "$*" >&2; exit 1; }
cleanup() {
  local status=$?
  if [ "$status" -ne 0 ] && "${PODMAN[@]}" container exists "$NAME" 2>/dev/null; then
    echo "-- server log (last 30 lines):" >&2
    "${PODMAN[@]}" logs --tail 30 "$NAME" >&2 || true
  fi
  "${PODMAN[@]}" rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
  "${PODMAN[@]}" volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  [ -z "${ROOTFS_DIR:-}" ] || rm -rf "$ROOTFS_DIR"
  [ -z "${CONTEXT_DIR:-}" ] || rm -rf "$CONTEXT_DIR"
}
trap cleanup EXIT

for tool in podman runc curl md5sum; do
  command -v "$tool" >/dev/null || fail "$tool not found (apt-get install podman runc curl)"
done

make_base_images() {
  command -v debootstrap >/dev/null || fail "debootstrap not found (apt-get install debootstrap)"
  local node npm_dir headers cafile rootfs
  node=$(command -v node) || fail "node not found on the host"
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  headers=$(dirname "$(dirname "$(readlink -f "$node")")")/include/node
  [ -f "$npm_dir/bin/npm-cli.js" ] || fail "npm not found next to $node"
  [ -f "$headers/common.gypi" ] || fail "node headers not found at $headers (node-gyp needs them offline)"
  ROOTFS_DIR=$(mktemp -d /var/tmp/refget-base.XXXXXX)
  rootfs=$ROOTFS_DIR/rootfs
  echo "debootstrap --variant=minbase bookworm -> $rootfs (about a minute)"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$ROOTFS_DIR/debootstrap.log" 2>&1 \
    || { tail -20 "$ROOTFS_DIR/debootstrap.log" >&2; fail "debootstrap failed"; }
  # What debian:bookworm-slim leaves out (its dpkg path excludes), and apt's caches.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/groff/* "$rootfs"/usr/share/lintian/*
  tar -C "$rootfs" -c . | "${PODMAN[@]}" import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$RUNTIME_BASE_IMAGE" >/dev/null
  echo "imported $RUNTIME_BASE_IMAGE"
  echo "adding $node ($("$node" --version)), npm $(npm --version 2>/dev/null) and headers under /usr/local"
  install -D -m 0755 "$node" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules" "$rootfs/usr/local/include" "$rootfs/usr/local/etc"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  cp -a "$headers" "$rootfs/usr/local/include/node"
  # npm here reaches the registry through a proxy with its own CA: give the image the host's bundle.
  cafile=$(npm config get cafile 2>/dev/null || true)
  if [ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ]; then
    install -D -m 0644 "$cafile" "$rootfs/etc/ssl/certs/ca-certificates.crt"
    echo "cafile=/etc/ssl/certs/ca-certificates.crt" >"$rootfs/usr/local/etc/npmrc"
  fi
  tar -C "$rootfs" -c . | "${PODMAN[@]}" import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "$BASE_IMAGE" >/dev/null
  echo "imported $BASE_IMAGE"
  rm -rf "$ROOTFS_DIR"
  ROOTFS_DIR=
}

step "base images $BASE_IMAGE (build stages) and $RUNTIME_BASE_IMAGE (runtime)"
if "${PODMAN[@]}" image exists "$BASE_IMAGE" && "${PODMAN[@]}" image exists "$RUNTIME_BASE_IMAGE"; then
  echo "cached"
else
  make_base_images
fi
"${RUN[@]}" --rm --network host "$BASE_IMAGE" node -e 'console.log("base image node", process.version)'

context=.
if [ "${CONTEXT:-worktree}" = head ]; then
  CONTEXT_DIR=$(mktemp -d /var/tmp/refget-context.XXXXXX)
  git archive HEAD | tar -x -C "$CONTEXT_DIR"
  context=$CONTEXT_DIR
  echo "build context: git archive HEAD ($(git rev-parse --short HEAD))"
fi
step "build $IMAGE (podman build, vfs, chroot isolation; the first build compiles better-sqlite3 twice, several minutes)"
start=$(date +%s)
"${PODMAN[@]}" build --isolation chroot --pull=never --network host --format docker \
  --build-arg BASE="$BASE_IMAGE" --build-arg RUNTIME_BASE="$RUNTIME_BASE_IMAGE" -t "$IMAGE" "$context" >"/tmp/refget-smoke-build.$$.log" 2>&1 \
  || { tail -40 "/tmp/refget-smoke-build.$$.log" >&2; fail "image build failed (log: /tmp/refget-smoke-build.$$.log)"; }
rm -f "/tmp/refget-smoke-build.$$.log"
size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE")
size_mb=$(( size / 1000000 ))
echo "built in $(( $(date +%s) - start )) s; image size ${size_mb} MB ($size bytes)"
[ "$size_mb" -le "$MAX_IMAGE_MB" ] || fail "image is ${size_mb} MB, over MAX_IMAGE_MB=$MAX_IMAGE_MB"
user=$("${PODMAN[@]}" image inspect --format '{{.Config.User}}' "$IMAGE")
[ -n "$user" ] && [ "$user" != root ] && [ "$user" != 0 ] || fail "image runs as root"
echo "runs as user '$user'"

step "ingest data/sample/I.faa into volume $VOLUME"
"${PODMAN[@]}" volume create "$VOLUME" >/dev/null
quiet "${RUN[@]}" --rm --network none -v "$VOLUME:/data" "$IMAGE" ingest --naming-authority smoke /app/data/sample/I.faa \
  || fail "ingest failed"

step "serve (read-only volume and root filesystem) on 127.0.0.1:$PORT"
quiet "${RUN[@]}" -d --name "$NAME" -p "127.0.0.1:$PORT:8080" -v "$VOLUME:/data:ro" --read-only "$IMAGE" >/dev/null \
  || fail "container did not start"
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "$URL/readyz" 2>/dev/null && break
  sleep 0.5
done
curl -fsS "$URL/readyz" >/dev/null || fail "/readyz did not answer 200 within 30 s"
echo "ready"

step "checks"
expected=$(grep -v '^>' data/sample/I.faa | tr -d '\r\n' | tr 'a-z' 'A-Z' | md5sum | cut -d' ' -f1)
got=$(curl -fsS "$URL/sequence/$expected" | md5sum | cut -d' ' -f1) || fail "GET /sequence/$expected failed"
[ "$got" = "$expected" ] || fail "sequence body md5 $got != md5 of the normalised FASTA $expected"
echo "GET /sequence/$expected: body md5 = md5sum of normalised I.faa ($got)"
got=$(curl -fsS "$URL/sequence/smoke:I" | md5sum | cut -d' ' -f1) || fail "GET /sequence/smoke:I failed"
[ "$got" = "$expected" ] || fail "alias smoke:I served md5 $got"
echo "GET /sequence/smoke:I: same bytes by alias"
sub=$(curl -fsS "$URL/sequence/$expected?start=0&end=10") || fail "subsequence request failed"
[ "$sub" = "$(grep -v '^>' data/sample/I.faa | tr -d '\r\n' | head -c 10)" ] || fail "subsequence 0-10 is '$sub'"
echo "GET ?start=0&end=10: $sub"
info=$(curl -fsS "$URL/service-info") || fail "GET /service-info failed"
grep -q '"refget"' <<<"$info" && grep -q '"smoke"' <<<"$info" || fail "service-info lacks the refget block or the smoke naming authority: $info"
echo "GET /service-info: $(head -c 120 <<<"$info")..."
health=$(curl -fsS "$URL/healthz") || fail "GET /healthz failed"
[ "$health" = '{"status":"ok"}' ] || fail "/healthz said $health"
echo "GET /healthz: $health"
metrics=$(curl -fsS "$URL/metrics") || fail "GET /metrics failed"
grep -q '^refget_store_sequences 1$' <<<"$metrics" || fail "/metrics: refget_store_sequences is not 1"
grep -q '^refget_http_requests_total{method="GET",route="/sequence/:id",status="200"} 3$' <<<"$metrics" \
  || fail "/metrics: sequence request count is not 3"
echo "GET /metrics: $(grep -c '^refget_' <<<"$metrics") refget_* samples, e.g. $(grep '^refget_store_sequences' <<<"$metrics")"
if "${PODMAN[@]}" --runtime runc healthcheck run "$NAME" >/dev/null 2>&1; then
  echo "HEALTHCHECK (podman healthcheck run): healthy"
else
  fail "the image's HEALTHCHECK failed"
fi

step "stop (SIGTERM) and remove"
quiet "${PODMAN[@]}" stop -t 15 "$NAME" >/dev/null
code=$("${PODMAN[@]}" inspect --format '{{.State.ExitCode}}' "$NAME")
[ "$code" = 0 ] || fail "server exited $code after SIGTERM"
echo "server exited 0 after SIGTERM; last log lines:"
"${PODMAN[@]}" logs --tail 3 "$NAME" 2>&1 | cut -c1-200
quiet "${PODMAN[@]}" rm "$NAME" >/dev/null
[ "${KEEP_IMAGE:-1}" = 1 ] || "${PODMAN[@]}" rmi "$IMAGE" >/dev/null

printf '\nSMOKE OK: %s (%s MB) built, ingested, served, checked, stopped\n' "$IMAGE" "$size_mb"
