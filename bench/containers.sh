#!/usr/bin/env bash
# Diagnosing N nginx containers on one Docker host (default 20) against diagnosing one of them, in one run:
# once with every backend healthy, once with every backend blackholed (an address on the network nobody has, so
# connects get no answer and each probe waits its timeout). Needs a Docker engine and the test image
# (tests/containers/build-image.sh). Everything it starts is removed by id at the end.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n=${1:-20}
cli=${NGXDOCTOR_CLI:-$here/.build/cli/ngxdoctor}
[ -x "$cli" ] || "$here/ngxdoctor" --version >/dev/null
"$here/tests/containers/build-image.sh" >/dev/null
work=$(mktemp -d)
ids=()
net=""
cleanup() {
  [ ${#ids[@]} -gt 0 ] && docker rm -f "${ids[@]}" >/dev/null 2>&1 || true
  [ -n "$net" ] && docker network rm "$net" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
net=$(docker network create --subnet 10.214.7.0/24 "ngxd-bench-$$")
ids+=("$(docker run -d --network "$net" --network-alias app ngxdoctor-test:local python3 -m http.server 8000 --directory /srv)")

# ms TIMES COMMAND...: the median wall time of the command, in milliseconds.
ms() {
  local times=$1; shift
  local all=()
  for _ in $(seq 1 "$times"); do
    local t0; t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    all+=($(( ($(date +%s%N) - t0) / 1000000 )))
  done
  printf '%s\n' "${all[@]}" | sort -n | sed -n "$(( (times + 1) / 2 ))p"
}

run() {
  local upstream=$1 label=$2
  local started=()
  for i in $(seq 1 "$n"); do
    printf 'worker_processes 1;\nevents {}\nhttp { server { listen 80; location / { proxy_pass http://%s; proxy_connect_timeout 2s; } } }\n' "$upstream" > "$work/$label-$i.conf"
    started+=("$(docker run -d --network "$net" -v "$work/$label-$i.conf:/etc/nginx/nginx.conf:ro" ngxdoctor-test:local)")
  done
  ids+=("${started[@]}")
  sleep 2
  local one all
  one=$(ms 3 "$cli" diagnose --json --container "${started[0]}" --probe-timeout 2)
  all=$(ms 3 "$cli" diagnose --json --probe-timeout 2)
  echo "$label: one instance ${one} ms, all $(docker ps -q | wc -l) containers (${n} nginx) ${all} ms, ratio $(awk "BEGIN { printf \"%.1f\", $all / $one }")"
  docker rm -f "${started[@]}" >/dev/null
}

run app:8000 healthy
run 10.214.7.250:8000 blackholed
