# Shared by the scripts: installing what is missing, and building.
# Sourced, not run.

OUTREACH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${OUTREACH_BUILD_DIR:-$OUTREACH_ROOT/build}"

# Debian 12 packages the build and the suite need.
OUTREACH_BUILD_PACKAGES=(
  build-essential cmake pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libhiredis-dev libsqlite3-dev nlohmann-json3-dev libicu-dev
  libgtest-dev libgmock-dev libre2-dev
  prometheus-cpp-dev iso-codes redis-server procps
  # The documented backup and restore (docs/operations.md) use sqlite3's
  # online backup; run.sh uses setsid (util-linux) and env (coreutils).
  sqlite3 util-linux coreutils
  # Mutual TLS and bearer tokens (common/security/); run.sh's development
  # certificates (scripts/dev_tls.sh).
  libjwt-dev openssl
  # PostgreSQL 15, for the stores of deployments with several replicas:
  # libpq to talk to it, and a server the tests start for themselves.
  postgresql-15 libpq-dev
  # The web front's HTTP server (services/web).
  libcpp-httplib-dev
)

# The fuzz targets (scripts/fuzz.sh): clang and its libFuzzer runtime.
OUTREACH_FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)

# What only the tests need: the Python example client runs on Debian's
# python3-grpcio (the pyenv python3 first on PATH has no grpc).
# The web front's browser tests drive Debian's chromium (tests/web).
# The README's Try-it block uses curl for the web front's JSON. The bench's
# smoke run copies live SQLite stores with the sqlite3 shell.
OUTREACH_TEST_PACKAGES=(python3 python3-grpcio python3-protobuf chromium curl sqlite3)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs, with apt-get, those of the given Debian packages that are not
# installed yet; does nothing (and needs no network) when all are.
ensure_packages() {
  local missing=()
  local p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  log "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# npm comes from Debian when the machine has none.
ensure_npm() {
  if ! command -v npm >/dev/null 2>&1; then
    ensure_packages nodejs npm
  fi
}

# npm_ci_once DIR: installs DIR's locked npm packages unless node_modules
# is already there and newer than the lock file.
npm_ci_once() {
  local dir=$1
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    log "Installing npm packages in ${dir#"$OUTREACH_ROOT"/} (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$dir/node_modules"
  fi
}

# Configures (once) and builds everything with two jobs and ccache.
build_all() {
  log "Building in $BUILD_DIR"
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    cmake -S "$OUTREACH_ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$BUILD_DIR" -j "${OUTREACH_JOBS:-2}"
}

# wait_for_http HOST:PORT [TIMEOUT] [PID]: waits until an HTTP server
# answers GET /healthz with 200 (the web front); fails after TIMEOUT
# seconds (30), or at once when process PID has exited.
wait_for_http() {
  local address=$1 timeout=${2:-30} pid=${3:-} waited=0
  local host=${address%:*} port=${address##*:}
  until http_ok "$host" "$port"; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.2
    waited=$((waited + 1))
    if [ "$waited" -gt $((timeout * 5)) ]; then
      return 1
    fi
  done
}
http_ok() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/$1/$2" &&
    printf 'GET /healthz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$1" >&3 &&
    head -c 12 <&3) 2>/dev/null) || return 1
  [[ "$reply" == "HTTP/1.1 200" ]]
}

# free_port DIR: prints a free loopback port below the kernel's ephemeral
# range (32768 and up), so that no outgoing connection or bind(0) elsewhere
# can take it before the server binds it. Ports given out are listed in
# DIR/ports.given (callers run this in $(...) subshells), and never given
# twice.
free_port() {
  local dir=$1 p reservations=/tmp/outreach-test-ports
  mkdir -p "$reservations" 2>/dev/null || true
  # Reservations of processes that died long ago are taken back.
  find "$reservations" -mindepth 1 -maxdepth 1 -mmin +10 -exec rmdir {} + 2>/dev/null || true
  while true; do
    p=$((20000 + RANDOM % 12768))
    grep -qx "$p" "$dir/ports.given" 2>/dev/null && continue
    # Reserved machine-wide (mkdir is atomic), as tests/testing's
    # PickFreePort does: two tests at once never pick the same port.
    mkdir "$reservations/$p" 2>/dev/null || continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p" >>"$dir/ports.given"
      echo "$p"
      return
    fi
  done
}

# suite_ports DIR: prints the environment that runs scripts/run.sh on free
# loopback ports (metrics off), one NAME=VALUE a line, for tests that start
# the suite: mapfile -t env < <(suite_ports "$tmp"); env "${env[@]}" ...
# OUTREACH_GATEWAY_PORT and OUTREACH_EVENTS_PORT are among them.
suite_ports() {
  local dir=$1 name
  for name in REDIS EVENTS PARTICIPANTS RECOMMENDATIONS GATEWAY WEB; do
    echo "OUTREACH_${name}_PORT=$(free_port "$dir")"
  done
  for name in EVENTS PARTICIPANTS RECOMMENDATIONS GATEWAY; do
    echo "OUTREACH_${name}_METRICS_PORT=0"
    echo "OUTREACH_${name}_HEALTH_PORT=$(free_port "$dir")"
  done
}

# wait_for_serving ADDRESS [TIMEOUT] [PID]: waits until a gRPC server
# answers health SERVING, using the suite's own health probe; fails after
# TIMEOUT seconds (30), or at once when process PID has exited (a server
# that could not start, e.g. on a port already taken).
wait_for_serving() {
  local address=$1 timeout=${2:-30} pid=${3:-} waited=0
  until "$BUILD_DIR/tools/outreach_health" --tls=off --address="$address" >/dev/null 2>&1; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.2
    waited=$((waited + 1))
    if [ "$waited" -gt $((timeout * 5)) ]; then
      return 1
    fi
  done
}
