#!/usr/bin/env bash
# Log-reading figures, each beside its peers in the same run, on ../shared/bench/gen-logs.py's data
# (5M access lines, about 1 GB, and a 200 MB error log). Usage: bench/logs.sh [DATA_DIR]
# Needs python3; goaccess is measured when installed (apt-get install goaccess).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
data="${1:-bench/data}"
gen="$(cd .. && pwd)/shared/bench/gen-logs.py"
if [ ! -f "$data/access.log" ] || [ ! -f "$data/error.log" ]; then
  mkdir -p "$data"
  python3 "$gen" --outdir "$data"
fi
format='$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $upstream_status $upstream_response_time $request_time'
cli="${NGXDOCTOR_CLI:-./.build/cli/ngxdoctor}"   # another build to compare: NGXDOCTOR_CLI=/path/to/ngxdoctor
[ -n "${NGXDOCTOR_CLI:-}" ] || NGXDOCTOR_REBUILD=1 ./ngxdoctor --help >/dev/null 2>&1   # build once, outside the timings
cat "$data/access.log" "$data/error.log" >/dev/null   # warm page cache

# Output goes to a file, not /dev/null: GNU grep stops at the first match when it writes to /dev/null.
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
secs() { local s e; s=$(date +%s.%N); "$@" >"$out" 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
peak() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1; }
best() { local b=999999 t; for _ in 1 2 3; do t=$(secs "$@"); b=$(echo "if ($t < $b) $t else $b" | bc -l); done; printf '%.3f' "$b"; }

size=$(stat -c %s "$data/access.log")
esize=$(stat -c %s "$data/error.log")
wc_t=$(best wc -l "$data/access.log")
grep_t=$(best grep -c ' 502 ' "$data/access.log")
if command -v rg >/dev/null 2>&1; then rg_t=$(best rg -c ' 502 ' "$data/access.log"); else rg_t=""; fi
full_t=$(best "$cli" logs --file "$data/access.log" --log-format "$format" --since 30d --json)
full_cpu=$( { /usr/bin/time -f "%U %S" "$cli" logs --file "$data/access.log" --log-format "$format" --since 30d --json >/dev/null; } 2>&1 | tail -1)
full_m=$(peak "$cli" logs --file "$data/access.log" --log-format "$format" --since 30d --json)
win_t=$(best "$cli" logs --file "$data/access.log" --log-format "$format" --since 15m --json)
err_t=$(best "$cli" logs --file "$data/error.log" --since 30d --json)
err_m=$(peak "$cli" logs --file "$data/error.log" --since 30d --json)
printf 'access.log %d bytes, error.log %d bytes\n' "$size" "$esize"
printf '%-58s %8s s\n' "wc -l access.log" "$wc_t"
printf '%-58s %8s s\n' "grep -c ' 502 ' access.log" "$grep_t"
[ -n "$rg_t" ] && printf '%-58s %8s s\n' "rg -c ' 502 ' access.log" "$rg_t"
printf '%-58s %8s s  %6.0f MB/s  peak %d MB  cpu %s s user/sys\n' "ngxdoctor logs, access.log, full report" "$full_t" "$(echo "$size / $full_t / 1000000" | bc -l)" "$((full_m / 1024))" "$full_cpu"
printf '%-58s %8s s\n' "ngxdoctor logs, access.log, last 15 minutes" "$win_t"
printf '%-58s %8s s  peak %d MB\n' "ngxdoctor logs, error.log (200 MB), full report" "$err_t" "$((err_m / 1024))"
printf 'ratio ngxdoctor full report / grep -c: %.2f\n' "$(echo "$full_t / $grep_t" | bc -l)"
printf 'ratio ngxdoctor full report / wc -l: %.2f\n' "$(echo "$full_t / $wc_t" | bc -l)"
if [ -n "$rg_t" ]; then
  printf 'ratio ngxdoctor full report / rg -c: %.2f\n' "$(echo "$full_t / $rg_t" | bc -l)"
else
  echo "ripgrep not installed: no rg figure (apt-get install ripgrep)"
fi
if command -v goaccess >/dev/null 2>&1; then
  head -n 500000 "$data/access.log" > "$data/access-500k.log"
  go_t=$(secs goaccess "$data/access-500k.log" --log-format=COMBINED -o "$data/goaccess.json")
  ours_t=$(best "$cli" logs --file "$data/access-500k.log" --log-format "$format" --since 30d --json)
  printf '%-58s %8.3f s\n' "goaccess, first 500k lines (JSON report)" "$go_t"
  printf '%-58s %8s s\n' "ngxdoctor logs, first 500k lines" "$ours_t"
  printf 'ratio goaccess / ngxdoctor on 500k lines: %.1f\n' "$(echo "$go_t / $ours_t" | bc -l)"
else
  echo "goaccess not installed: no goaccess figure (apt-get install goaccess)"
fi
