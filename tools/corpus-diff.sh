#!/bin/bash
# Development check, not a test: every nginx.conf of nginx's own test suite (nginx/nginx-tests, a git mirror: the
# search tool's `fetch github:nginx/nginx-tests`) judged by real `nginx -t` and by ngxdoctor side by side.
# Prints the configurations nginx accepts and ngxdoctor refuses (must be none), and a count of nginx's refusals that
# ngxdoctor accepts by nginx's message (the deliberate leniency of docs/config.md: modules, files, values).
# Usage: tools/corpus-diff.sh [MIRROR] (default /work/.mirror/nginx+nginx-tests/repo); needs ./ngxdoctor built.
set -u
MIRROR=${1:-/work/.mirror/nginx+nginx-tests/repo}
NGX=${NGXDOCTOR:-$(dirname "$0")/../src/NgxDoctor.Cli/bin/Debug/net10.0/ngxdoctor.dll}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/cfg" "$WORK/td"
python3 - "$MIRROR" "$WORK" <<'PY'
import re, subprocess, sys
mirror, work = sys.argv[1], sys.argv[2]
names = subprocess.run(['git', '-C', mirror, 'ls-tree', '--name-only', 'HEAD'], capture_output=True, text=True).stdout.split()
modules = 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\nload_module /usr/lib/nginx/modules/ngx_mail_module.so;\n'
for name in (n for n in names if n.endswith('.t')):
    text = subprocess.run(['git', '-C', mirror, 'show', 'HEAD:' + name], capture_output=True, text=True, errors='replace').stdout
    for i, m in enumerate(re.finditer(r"write_file_expand\('nginx\.conf',\s*<<'EOF'\);\n(.*?)\nEOF\n", text, re.S)):
        conf = re.sub(r'%%PORT_(\d+)(_UDP)?%%', lambda p: p.group(1), m.group(1))
        conf = re.sub(r'%%TEST_GLOBALS[A-Z_]*%%', '', conf).replace('%%TESTDIR%%', work + '/td').replace('%%', '')
        open(f'{work}/cfg/{name[:-2]}{"-" + str(i) if i else ""}.conf', 'w').write(modules + conf)
PY
for f in "$WORK"/cfg/*.conf; do
  n=$(timeout 10 nginx -t -q -p "$WORK/td" -c "$f" -e stderr 2>&1 | grep -m1 emerg | sed 's/.*\[emerg\] [0-9#]*: //; s/ in \/.*//')
  dotnet "$NGX" upstreams --config "$f" >/dev/null 2>&1; rc=$?
  if [ -z "$n" ] && [ $rc = 3 ]; then echo "REFUSED BUT NGINX ACCEPTS: $(basename "$f")"; fi
  if [ -n "$n" ] && [ $rc != 3 ]; then echo "lenient: $n"; fi
done | sort | uniq -c | sort -rn
echo "judged $(ls "$WORK"/cfg | wc -l) configurations"
