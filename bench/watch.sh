#!/usr/bin/env bash
# `watch` following an access log written at 20,000 lines/s, beside its peers in the same run: `tail -F | grep`
# and goaccess's real-time mode (when installed). CPU is the followers' own (utime+stime from /proc), over the same
# writer. Usage: bench/watch.sh [SECONDS per follower, default 60] [soak MINUTES, default 0: no soak]
# The soak samples watch's RSS each minute while the writer runs, to show it stays flat.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs="${1:-60}"; soak="${2:-0}"; rate=20000
data=bench/data
gen="$(cd .. && pwd)/shared/bench/gen-logs.py"
[ -f "$data/watch-source.log" ] || { mkdir -p "$data/w"; python3 "$gen" --access-lines 400000 --error-mb 1 --outdir "$data/w" >/dev/null; mv "$data/w/access.log" "$data/watch-source.log"; rm -rf "$data/w"; }
cli="${NGXDOCTOR_CLI:-./.build/cli/ngxdoctor}"   # another build to compare: NGXDOCTOR_CLI=/path/to/ngxdoctor
[ -n "${NGXDOCTOR_CLI:-}" ] || NGXDOCTOR_REBUILD=1 ./ngxdoctor --help >/dev/null 2>&1   # build once, outside the timings
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/nginx.conf" <<CONF
error_log $work/error.log;
events {}
http {
    log_format perf '\$remote_addr - \$remote_user [\$time_local] "\$request" \$status \$body_bytes_sent "\$http_referer" "\$http_user_agent" \$upstream_status \$upstream_response_time \$request_time';
    access_log $work/access.log perf;
    server { listen 127.0.0.1:1; location / { proxy_pass http://127.0.0.1:2; } }
}
CONF
tck=$(getconf CLK_TCK)
cpu() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# run NAME CMD...: starts the follower on an empty log, the writer for $secs, then the follower's CPU share of one core.
run() {
  local name="$1"; shift
  : > "$work/access.log"; : > "$work/error.log"
  bash -c "$*" > "$work/$name.out" 2>&1 & local top=$!; pids+=("$top")
  sleep 2
  local procs; procs=$(pgrep -g "$(ps -o pgid= "$top" | tr -d ' ')" | tr '\n' ' ' || echo "$top")
  [ -n "$procs" ] || procs=$top
  local c0; c0=$(cpu $procs); local t0; t0=$(date +%s.%N)
  local wrote; wrote=$(python3 bench/watch-writer.py "$data/watch-source.log" "$work/access.log" "$rate" "$secs")
  local c1; c1=$(cpu $procs); local t1; t1=$(date +%s.%N)
  local rss; rss=$(for p in $procs; do awk '/VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null; done | paste -sd+ | bc)
  kill -TERM $procs 2>/dev/null || true; wait "$top" 2>/dev/null || true
  printf '%-52s %7.2f %% of a core  %6.1f MB RSS  (%d lines in %.1f s)\n' "$name" \
    "$(echo "($c1 - $c0) / $tck / ($t1 - $t0) * 100" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$wrote" "$(echo "$t1 - $t0" | bc -l)"
}
echo "follow an access log written at $rate lines/s, $secs s each, on $(nproc) cores"
run "ngxdoctor watch --plain --no-bundles" setsid "$cli" watch --config "$work/nginx.conf" --plain --no-bundles
run "tail -F | grep -c ' 502 '" setsid bash -c "'tail -n0 -F $work/access.log | grep --line-buffered -c \" 502 \"'"
if command -v goaccess >/dev/null 2>&1; then
  run "goaccess --real-time-html" setsid goaccess "$work/access.log" --log-format=COMBINED --real-time-html -o "$work/report.html" --no-global-config
else
  echo "goaccess not installed: no goaccess figure (apt-get install goaccess)"
fi
if [ "$soak" -gt 0 ]; then
  : > "$work/access.log"
  "$cli" watch --config "$work/nginx.conf" --plain --no-bundles > /dev/null 2>&1 & w=$!; pids+=("$w")
  python3 bench/watch-writer.py "$data/watch-source.log" "$work/access.log" "$rate" "$((soak * 60))" > /dev/null & pids+=("$!")
  echo "soak: watch's RSS each minute, $soak minutes at $rate lines/s"
  # The log is truncated each minute (a copytruncate without its copy) so that the disk does not fill.
  for m in $(seq 1 "$soak"); do sleep 60; printf 'minute %3d  %6.1f MB RSS  cpu %.2f %%\n' "$m" "$(awk '/VmRSS/{print $2 / 1024}' "/proc/$w/status")" "$(echo "$(cpu $w) / $tck / ($m * 60) * 100" | bc -l)"; truncate -s 0 "$work/access.log"; done
fi
