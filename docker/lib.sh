# Shared helpers for the scripts in docker/. Sourced, never run.
# shellcheck shell=bash

REPRISE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${REPRISE_STATE:-$REPRISE_ROOT/.state}

# A stack's settings: its ports and which Docker engine it uses. Each comes from the environment, else from the
# state folder's stack.settings (which 'docker/stack up' writes, so that later commands on that folder need no
# environment), else the default. The defaults are the one stack most users run; a second stack beside it (the chaos
# bench's, which kills and restarts its servers) takes a state folder, ports and an engine of its own:
#   REPRISE_TEMPORAL_PORT (7233), REPRISE_TEMPORAL_UI_PORT (8233), REPRISE_TEMPORAL_HTTP_PORT (7243),
#   REPRISE_TEMPORAL_METRICS_PORT (7244), REPRISE_MINIO_PORT (9000), REPRISE_MINIO_CONSOLE_PORT (9001),
#   REPRISE_REGISTRY_PORT (5000),
#   REPRISE_DOCKER_ENGINE: 'shared' (the machine's engine, /var/run/docker.sock, or DOCKER_HOST) or 'own' (a dockerd
#   with its data, run folder and socket in the state folder: unix://$STATE/docker/docker.sock).
STACK_SETTINGS=(REPRISE_TEMPORAL_PORT REPRISE_TEMPORAL_UI_PORT REPRISE_TEMPORAL_HTTP_PORT REPRISE_TEMPORAL_METRICS_PORT
  REPRISE_MINIO_PORT REPRISE_MINIO_CONSOLE_PORT REPRISE_REGISTRY_PORT REPRISE_DOCKER_ENGINE)
if [[ -f $STATE/stack.settings ]]; then
  while IFS='=' read -r name value; do
    [[ " ${STACK_SETTINGS[*]} " == *" $name "* && -z ${!name:-} ]] && printf -v "$name" '%s' "$value"
  done <"$STATE/stack.settings"
fi
TEMPORAL_PORT=${REPRISE_TEMPORAL_PORT:-7233}
TEMPORAL_UI_PORT=${REPRISE_TEMPORAL_UI_PORT:-8233}
TEMPORAL_HTTP_PORT=${REPRISE_TEMPORAL_HTTP_PORT:-7243}
TEMPORAL_METRICS_PORT=${REPRISE_TEMPORAL_METRICS_PORT:-7244}
MINIO_PORT=${REPRISE_MINIO_PORT:-9000}
MINIO_CONSOLE_PORT=${REPRISE_MINIO_CONSOLE_PORT:-9001}
REGISTRY_PORT=${REPRISE_REGISTRY_PORT:-5000}
DOCKER_ENGINE=${REPRISE_DOCKER_ENGINE:-shared}
[[ $DOCKER_ENGINE == shared || $DOCKER_ENGINE == own ]] || {
  printf '[reprise] error: REPRISE_DOCKER_ENGINE is shared or own, not %s\n' "$DOCKER_ENGINE" >&2
  exit 2
}
# The engine base images are copied from when this stack has an engine of its own (docker save | docker load).
SHARED_DOCKER_HOST=${REPRISE_SHARED_DOCKER_HOST:-unix:///var/run/docker.sock}
if [[ $DOCKER_ENGINE == own ]]; then
  # Every docker command of the scripts, and the API and worker (docker-java reads DOCKER_HOST), use this engine.
  export DOCKER_HOST=unix://$STATE/docker/docker.sock
fi

# Servers listen on loopback only; these are the addresses the whole project uses.
TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT
TEMPORAL_UI=http://127.0.0.1:$TEMPORAL_UI_PORT
TEMPORAL_HTTP=http://127.0.0.1:$TEMPORAL_HTTP_PORT
MINIO_ENDPOINT=http://127.0.0.1:$MINIO_PORT
MINIO_CONSOLE=http://127.0.0.1:$MINIO_CONSOLE_PORT
# The image registry as the Docker engine names it: host:port, no scheme. Docker allows plain HTTP to registries on
# 127.0.0.0/8 without --insecure-registry, so the stack's engine pushes and pulls here as it is.
REGISTRY_ADDRESS=127.0.0.1:$REGISTRY_PORT
# The MinIO bucket the registry keeps its blobs and manifests in (beside Reprise's buckets, never inside one).
REGISTRY_BUCKET=${REPRISE_REGISTRY_BUCKET:-registry}
# The base images docker/stack makes and publishes to the registry, as <registry>/<name>.
BASE_IMAGES=(reprise/busybox reprise/python)

# Pinned server versions. temporal CLI tags after v1.5.1 carry a replace directive and cannot be go-installed.
# MinIO ships source only; this is the newest commit (2026-02-12, after the last release tag), spelled as the
# full pseudo-version because the Go proxy refuses the short-hash query.
TEMPORAL_MODULE=github.com/temporalio/cli/cmd/temporal@v1.5.1
MINIO_MODULE=github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c
# The CNCF Distribution registry (the reference OCI registry), with its S3 storage driver.
REGISTRY_MODULE=github.com/distribution/distribution/v3/cmd/registry@v3.0.0

# The search attributes Reprise keeps on job workflows (see JobSearchAttributes.java).
SEARCH_ATTRIBUTES=(RepriseStatus=Keyword RepriseCompendiumId=Keyword RepriseSubmitter=Keyword RepriseRerunOf=Keyword)

# Dynamic config the Temporal dev server starts with: the new matcher (task queue priority), fairness (each
# fairness key, a job's submitter, gets its turn within a priority), and one partition per task queue, so that
# priority and fairness order the whole queue rather than each of four partitions (bench/priority measures it).
TEMPORAL_DYNAMIC_CONFIG=(matching.useNewMatcher=true matching.enableFairness=true
  matching.numTaskqueueReadPartitions=1 matching.numTaskqueueWritePartitions=1)

# The dev server's rate limits, set here rather than left to defaults (README "The stack", "Reads"). Every request of
# the namespace, the workers' polls, heartbeats and task completions as much as the API's describes, shares
# frontend.namespaceRPS; visibility queries (the job list, re-runs, health) have a budget of their own, which the
# dev server raises from Temporal's 10 to 100. A request over a limit is refused at once with RESOURCE_EXHAUSTED, which
# the API answers 429 with Retry-After. The API holds its own reads under REPRISE_READS_DESCRIBES_PER_SECOND (200)
# and REPRISE_READS_QUERIES_PER_SECOND (40), so readers leave most of these budgets to the workers.
TEMPORAL_RATE_LIMITS=(frontend.rps=2400 frontend.namespaceRPS=2400 frontend.namespaceBurstRatio=2
  frontend.namespaceRPS.visibility=100 frontend.namespaceBurstRatio.visibility=2)

say() { printf '[reprise] %s\n' "$*"; }
die() { printf '[reprise] error: %s\n' "$*" >&2; exit 1; }

# Runs a command with a deadline, printing what it waits for; fails after the deadline.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.5
  done
  say "$what answers"
}

# Like wait_for, but gives up at once when the process in the pid file has died.
wait_while_alive() {
  local what=$1 seconds=$2 pidfile=$3; shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ! pid_alive "$pidfile"; then
      say "$what exited"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.5
  done
  say "$what answers"
}

# True when the pid in the file belongs to a live process.
pid_alive() {
  [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

# Stops the process whose pid is in the file, if it is still alive, and removes the file.
stop_pidfile() {
  local pidfile=$1 name=$2
  if pid_alive "$pidfile"; then
    local pid
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
}

# Finds a Go-installed binary: on PATH first, then in Go's bin folder.
find_go_binary() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then
    command -v "$name"
    return 0
  fi
  if command -v go >/dev/null 2>&1; then
    local gobin
    gobin=$(go env GOBIN)
    [[ -n $gobin ]] || gobin=$(go env GOPATH)/bin
    if [[ -x $gobin/$name ]]; then
      echo "$gobin/$name"
      return 0
    fi
  fi
  return 1
}

# Loads the stack's connection settings (MinIO credentials among them) into the environment.
load_stack_env() {
  if [[ -f $STATE/stack.env ]]; then
    set -a
    # shellcheck disable=SC1091
    source "$STATE/stack.env"
    set +a
  fi
}

# Installs Debian packages as root; stops with one line saying what to install by hand when that cannot work.
APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get is missing: install $* by hand, then run docker/stack up again"
  [[ $(id -u) == 0 ]] || die "installing $* needs root: run as root, or install $* by hand"
  if ((APT_UPDATED == 0)); then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  say "installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Java 17+ and Maven build Reprise; curl and jq are what the scripts speak HTTP and JSON with.
ensure_build_tools() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  command -v curl >/dev/null 2>&1 || missing+=(curl ca-certificates)
  command -v jq >/dev/null 2>&1 || missing+=(jq)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}"
  fi
}

# The dashboard's browser tests (DashboardIT) drive Debian's Chromium headless through its ChromeDriver.
ensure_browser() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}"
  fi
}
