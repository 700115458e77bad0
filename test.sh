#!/usr/bin/env bash
# Runs every test of ngxdoctor. Installs what the tests need when missing (Debian: nginx, php8.2-fpm,
# python3, nodejs, gunicorn, nftables, iptables, iproute2, gcc), builds once, runs each test project in turn, and ends with "N passed, N failed".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

need=()
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
[ -x /usr/sbin/php-fpm8.2 ] || need+=(php8.2-fpm)
# Debian's own python3 (not a pyenv one): the container image is built from its files.
[ -x /usr/bin/python3 ] || need+=(python3)
command -v node >/dev/null 2>&1 || command -v nodejs >/dev/null 2>&1 || need+=(nodejs)
# npm: the SARIF validator below comes from the npm registry.
command -v npm >/dev/null 2>&1 || need+=(npm)
# tmux: watch's live view seen on a real terminal.
command -v tmux >/dev/null 2>&1 || need+=(tmux)
# patch: a fix plan is a diff patch(1) applies.
command -v patch >/dev/null 2>&1 || need+=(patch)
# Firewall and DNS scenarios: rules in a network namespace of their own, /etc/hosts in a mount namespace.
[ -x /usr/sbin/nft ] || need+=(nftables)
[ -x /usr/sbin/iptables-save ] || need+=(iptables)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
[ -x /usr/bin/gunicorn ] || need+=(gunicorn)
# The metrics scenario parses /metrics with the Prometheus text-format parser of the official Python client.
[ -f /usr/lib/python3/dist-packages/prometheus_client/parser.py ] || need+=(python3-prometheus-client)
# nginx's stream and mail modules (dynamic in Debian): stream upstreams, and the config differential's oracle.
[ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || need+=(libnginx-mod-stream)
[ -f /usr/lib/nginx/modules/ngx_mail_module.so ] || need+=(libnginx-mod-mail)
# The metrics scenario's consumers: Prometheus scraping /metrics, promtool checking it and the docs' rules.
[ -x /usr/bin/prometheus ] || need+=(prometheus)
# Output consumers: the JUnit parser of CI tools (python3-junitparser).
[ -d /usr/lib/python3/dist-packages/junitparser ] || need+=(python3-junitparser)
# Container scenarios: a Docker engine test.sh starts itself when none runs (its images are built from local files).
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
# The journal scenario runs its own systemd-journald in a mount namespace of its own.
[ -x /lib/systemd/systemd-journald ] || need+=(systemd)
# The install scenarios: a fresh Debian made with debootstrap, its apt source a local repository (dpkg-scanpackages);
# the .deb checked by lintian.
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v dpkg-scanpackages >/dev/null 2>&1 || need+=(dpkg-dev)
command -v lintian >/dev/null 2>&1 || need+=(lintian)
# The Ansible scenario: Debian's ansible (ansible-core and the community.docker collection, for its docker connection).
[ -d /usr/lib/python3/dist-packages/ansible_collections/community/docker ] || need+=(ansible)
# ./ngxdoctor builds a native binary with a C toolchain; the tests run that binary.
command -v gcc >/dev/null 2>&1 || command -v clang >/dev/null 2>&1 || need+=(gcc libc6-dev)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test.sh: missing ${need[*]}; run as root to install them (apt-get)" >&2
    exit 1
  fi
  echo "test.sh: installing ${need[*]}"
  # Keep the packages' services (nginx on port 80, php-fpm) from starting: tests start their own.
  guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  rc=$?
  [ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || { echo "test.sh: apt-get install failed" >&2; exit 1; }
fi
# The SARIF scenario's consumer: Microsoft's SARIF validator from npm (its postinstall, a chmod, done here).
SARIF_DIR=/var/cache/ngxdoctor-tests/sarif
SARIF_BIN=$SARIF_DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -x "$SARIF_BIN" ] && [ "$(id -u)" = 0 ] && command -v npm >/dev/null 2>&1; then
  echo "test.sh: installing the SARIF validator (npm @microsoft/sarif-multitool@5.7.0)"
  mkdir -p "$SARIF_DIR" && (cd "$SARIF_DIR" && npm install --no-audit --no-fund --silent @microsoft/sarif-multitool@5.7.0 >/dev/null 2>&1) \
    && chmod u+x "$SARIF_BIN" || echo "test.sh: the SARIF validator could not be installed; its scenario is skipped" >&2
fi
# The MCP scenario's client: the official MCP TypeScript SDK from npm.
MCP_DIR=/var/cache/ngxdoctor-tests/mcp
if [ ! -d "$MCP_DIR/node_modules/@modelcontextprotocol/sdk" ] && [ "$(id -u)" = 0 ] && command -v npm >/dev/null 2>&1; then
  echo "test.sh: installing the MCP TypeScript SDK (npm @modelcontextprotocol/sdk@1.32.2)"
  mkdir -p "$MCP_DIR" && (cd "$MCP_DIR" && npm install --no-audit --no-fund --silent @modelcontextprotocol/sdk@1.32.2 >/dev/null 2>&1) \
    || echo "test.sh: the MCP SDK could not be installed; its scenario is skipped" >&2
fi

dotnet build NgxDoctor.slnx -nologo -v q -clp:ErrorsOnly || { echo "test.sh: build failed" >&2; exit 1; }
# The CLI tests and scenarios run the program users run: what ./ngxdoctor builds (native when it can).
NGXDOCTOR_REBUILD=1 ./ngxdoctor --version >/dev/null || { echo "test.sh: ./ngxdoctor could not build (see .build.log)" >&2; exit 1; }
if [ "$(cat .build/cli/.built)" = ngxdoctor ]; then
  export NGXDOCTOR_CLI="$here/.build/cli/ngxdoctor"
  echo "test.sh: testing the native binary $NGXDOCTOR_CLI"
else
  echo "test.sh: no native build (see .build.log); testing ngxdoctor.dll under dotnet"
fi

# A Docker engine for the container scenarios: the one running, else one started here (and stopped at the end, by
# its pid). Where it cannot start (no cgroups, no overlay), those scenarios are skipped with the reason.
dockerd_pid=""
stop_dockerd() {
  [ -n "$dockerd_pid" ] || return 0
  kill "$dockerd_pid" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.2; done
  dockerd_pid=""
}
trap stop_dockerd EXIT
if [ "$(id -u)" = 0 ] && command -v dockerd >/dev/null 2>&1 && ! docker info >/dev/null 2>&1; then
  dockerd >"$here/.build/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || echo "test.sh: dockerd did not start (see .build/dockerd.log); container scenarios will be skipped"
fi
if docker info >/dev/null 2>&1; then
  tests/containers/build-image.sh >/dev/null || echo "test.sh: the test image could not be built; container scenarios will be skipped"
  tests/containers/build-debian.sh >/dev/null || echo "test.sh: the fresh Debian images could not be built; the install scenario will be skipped"
fi

# The projects that start nginx and backends, and look for masters in /proc, run in a network and PID namespace of
# their own (loopback only, /proc showing only their processes): what else runs on the box (another nginx, other
# listeners, another ./test.sh) cannot change their results. The shell stays PID 1 there and reaps orphans.
isolate=()
if [ "$(id -u)" = 0 ] && unshare --net --pid --fork --mount-proc true 2>/dev/null; then
  isolate=(unshare --net --pid --fork --mount-proc --kill-child sh -c 'ip link set lo up && "$@"' sh)
else
  echo "test.sh: not root or no unshare: scenarios run in the host's namespaces (other nginx masters and listeners on this box may change their results)"
fi

passed=0; failed=0; skipped=0; status=0
log="$(mktemp)"
# run_project PROJECT ISOLATED FILTER: one test project (or the part FILTER selects), in the namespaces or not.
run_project() {
  local project=$1 wrap=() filter=()
  [ "$2" = isolated ] && wrap=("${isolate[@]}")
  [ -n "$3" ] && filter=(--filter "$3")
  # No `|| true` after the pipeline: with pipefail it would run and leave PIPESTATUS as its own.
  "${wrap[@]}" dotnet test "$project" --no-build -nologo "${filter[@]}" 2>&1 | tee "$log" | grep -E "^(Passed!|Failed!|Skipped!)|^\s+Failed |Error Message|^\s+Assert"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" != 0 ]; then
    status=1
    # The whole message of each failure (a scenario's message is the run it diagnosed), for CI logs.
    sed -n '/Error Message:/,/Stack Trace:/p' "$log" | head -200
  fi
  local line
  line=$(grep -E "^(Passed!|Failed!|Skipped!)" "$log" | tail -1)
  if [ -z "$line" ]; then
    echo "test.sh: $project produced no test summary" >&2
    tail -20 "$log" >&2
    status=1
    return
  fi
  passed=$((passed + $(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line")))
  failed=$((failed + $(sed -E 's/.*Failed: *([0-9]+), Passed.*/\1/' <<<"$line")))
  skipped=$((skipped + $(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$line")))
}

# One project at a time: scenarios start real processes, and a backend of one project must not look like a
# candidate to another's diagnosis. Every project that diagnoses runs isolated; the launcher's own test builds
# from a copy of the sources and may need to fetch a package, so it keeps the host's network.
for project in tests/*/*.csproj; do
  case "$project" in
    *Cli.Tests*)
      run_project "$project" isolated "FullyQualifiedName!~LauncherTests&FullyQualifiedName!~ToolPackageTests"
      run_project "$project" host "FullyQualifiedName~LauncherTests|FullyQualifiedName~ToolPackageTests" ;;
    *Scenarios*)
      run_project "$project" isolated "Category!=Docker"
      # dockerd's containers live in the host's PID namespace: these scenarios look for their masters there.
      run_project "$project" host "Category=Docker" ;;
    *) run_project "$project" isolated "" ;;
  esac
done
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] || status=1
exit $status
