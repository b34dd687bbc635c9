#!/usr/bin/env bash
# Builds an AWS Lambda layer (x86_64, Node.js 22 runtime, Amazon Linux 2023) that holds the DB2
# driver warehouse-sync needs for a db2: warehouse:
#
#   nodejs/node_modules/ibm_db/…            ibm_db, its native addon, and IBM's clidriver
#   nodejs/node_modules/<its dependencies>  bindings, big-integer, …
#   lib/*.so*                               system libraries clidriver needs that the Lambda
#                                           runtime image lacks (libpam, libcrypt.so.1, libxml2, …)
#
# Lambda unpacks a layer under /opt: Node finds /opt/nodejs/node_modules (it is on NODE_PATH), the
# dynamic linker finds /opt/lib (it is on LD_LIBRARY_PATH), and the addon finds clidriver through
# the rpath ibm_db builds into it ($ORIGIN/../../installer/clidriver/lib). The bundles in dist/ keep
# ibm_db external, so the function code stays small and the driver comes only from this layer.
#
# THIS SCRIPT CANNOT RUN IN THE PROJECT'S OWN BUILD ENVIRONMENT: ibm_db's install script downloads
# clidriver from IBM, and those machines have no access to IBM's download site. Run it on a machine
# with internet access and Docker (any OS; the images are pulled for linux/amd64).
#
# Usage:
#   scripts/build-ibm-db-layer.sh [output.zip]
# Environment:
#   IBM_DB_VERSION              ibm_db version to install (default: 4.0.1, as package.json allows)
#   CLIDRIVER_DOWNLOAD_VERSION  clidriver version for ibm_db's installer, e.g. v11.5.9 (default: its own)
#   IBM_DB_INSTALLER_URL        a mirror or local directory holding the clidriver archive (see ibm_db's README)
#
# Then publish and attach it:
#   aws lambda publish-layer-version --layer-name ibm-db-node22-x86 \
#     --zip-file fileb://dist/ibm-db-layer-node22-x86_64.zip \
#     --compatible-runtimes nodejs22.x --compatible-architectures x86_64
#   (serverless.yml: add the returned LayerVersionArn under the function's `layers:`.)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUTPUT="${1:-$ROOT/dist/ibm-db-layer-node22-x86_64.zip}"
IBM_DB_VERSION="${IBM_DB_VERSION:-4.0.1}"
PLATFORM="linux/amd64"
# The SAM build image is Amazon Linux 2023 with the Node.js 22 toolchain (gcc, make, python3) that
# node-gyp needs; the runtime image is exactly what Lambda runs the function on.
BUILD_IMAGE="public.ecr.aws/sam/build-nodejs22.x:latest"
RUNTIME_IMAGE="public.ecr.aws/lambda/nodejs:22"
# Lambda's LD_LIBRARY_PATH for Node.js runtimes, so the check below resolves libraries as Lambda will.
LAMBDA_LD_LIBRARY_PATH="/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"

log() { printf '[build-ibm-db-layer] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v docker >/dev/null 2>&1 || die "docker is required (the layer is built inside Amazon Linux 2023 images)"
command -v zip >/dev/null 2>&1 || die "zip is required"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ibm-db-layer.XXXXXX")"
BUILDER=""
cleanup() {
  if [ -n "$BUILDER" ]; then docker rm -f "$BUILDER" >/dev/null 2>&1 || true; fi
  # Files written by the containers are root-owned on Linux hosts; remove them from inside one.
  docker run --rm --platform "$PLATFORM" -v "$WORK":/work --entrypoint /bin/sh "$BUILD_IMAGE" -c 'rm -rf /work/*' >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/layer/nodejs" "$WORK/layer/lib"

# Step 1: install ibm_db in the build image. Its install script downloads clidriver from IBM and
# compiles odbc_bindings.node against it; --foreground-scripts shows that progress. The system
# libraries clidriver links against are installed too, so step 2 can copy them from here.
log "step 1: npm install ibm_db@$IBM_DB_VERSION (downloads IBM's clidriver) in $BUILD_IMAGE"
BUILDER="$(docker run -d --platform "$PLATFORM" -v "$WORK":/work --entrypoint /bin/sleep "$BUILD_IMAGE" infinity)"
docker exec "$BUILDER" dnf install -y --quiet pam audit-libs libcap-ng libxcrypt-compat libxml2 xz-libs findutils >/dev/null
docker exec \
  -e "CLIDRIVER_DOWNLOAD_VERSION=${CLIDRIVER_DOWNLOAD_VERSION:-}" \
  -e "IBM_DB_INSTALLER_URL=${IBM_DB_INSTALLER_URL:-}" \
  -w /work/layer/nodejs "$BUILDER" \
  /bin/bash -c "npm init -y >/dev/null && npm install --omit=dev --foreground-scripts ibm_db@$IBM_DB_VERSION"
[ -f "$WORK/layer/nodejs/node_modules/ibm_db/build/Release/odbc_bindings.node" ] \
  || die "ibm_db's native addon was not built; see the npm output above (is IBM's download site reachable?)"
[ -d "$WORK/layer/nodejs/node_modules/ibm_db/installer/clidriver/lib" ] \
  || die "clidriver was not downloaded into node_modules/ibm_db/installer/clidriver"

# Step 2: load ibm_db in the Lambda runtime image with the layer mounted at /opt, as Lambda will.
# Each failure names one shared library the runtime lacks (libpam.so.0, libcrypt.so.1, libxml2.so.2,
# libaudit.so.1, libcap-ng.so.0, liblzma.so.5 are the usual ones); copy it from the build image into
# layer/lib and try again, until the driver loads.
log "step 2: load ibm_db in $RUNTIME_IMAGE; add the system libraries it lacks to lib/"
load_in_runtime() {
  docker run --rm --platform "$PLATFORM" -v "$WORK/layer":/opt:ro \
    -e "LD_LIBRARY_PATH=$LAMBDA_LD_LIBRARY_PATH" -e "NODE_PATH=/opt/nodejs/node_modules" \
    --entrypoint /var/lang/bin/node "$RUNTIME_IMAGE" \
    -e "require('/opt/nodejs/node_modules/ibm_db'); console.log('ibm_db loads')" 2>&1
}
for attempt in $(seq 1 20); do
  if output="$(load_in_runtime)"; then
    log "$output"
    break
  fi
  missing="$(printf '%s\n' "$output" | sed -n 's/.*\(lib[A-Za-z0-9_.+-]*\.so[0-9.]*\): cannot open shared object file.*/\1/p' | head -n 1)"
  [ -n "$missing" ] || die "ibm_db does not load in the Lambda runtime, and not for a missing library: $output"
  [ "$attempt" -lt 20 ] || die "still missing libraries after 20 rounds; last: $missing"
  log "  the runtime lacks $missing: copying it from the build image"
  # -L copies the file a versioned symlink points to, under the name the loader asks for.
  docker exec "$BUILDER" /bin/bash -c "
    found=\$(find /usr/lib64 /lib64 -name '$missing' 2>/dev/null | head -n 1)
    [ -n \"\$found\" ] || { echo 'not found in the build image: $missing' >&2; exit 1; }
    cp -L \"\$found\" /work/layer/lib/'$missing'"
done

# Step 3: trim what Lambda never uses, keeping the layer well under the 250 MB unzipped limit:
# ibm_db's sources, tests and prebuilt-binary archive; clidriver's samples, headers and docs.
# clidriver's lib/, bin/, msg/ (SQL message texts), cfg/ and license/ stay.
log "step 3: trim sources, tests, samples and headers"
docker exec "$BUILDER" /bin/bash -c '
  cd /work/layer/nodejs/node_modules/ibm_db
  rm -rf src test examples typescript build.zip build/Release/obj.target build/Release/.deps
  rm -rf installer/clidriver/samples installer/clidriver/include installer/clidriver/doc
  find /work/layer -name "*.md" -not -path "*/license/*" -delete
  chmod -R a+rX /work/layer'

# Step 4: check again that the trimmed layer loads, then zip it (nodejs/ and lib/ at the root).
log "step 4: check the trimmed layer and zip it"
output="$(load_in_runtime)" || die "the trimmed layer does not load: $output"
log "$output"
mkdir -p "$(dirname "$OUTPUT")"
rm -f "$OUTPUT"
(cd "$WORK/layer" && zip -qry "$OUTPUT" nodejs lib)
size="$(du -h "$OUTPUT" | cut -f1)"
log "done: $OUTPUT ($size); libraries added to lib/: $(ls "$WORK/layer/lib" | tr '\n' ' ')"
