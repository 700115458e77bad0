#!/usr/bin/env bash
# ngxdoctor(1) in roff, generated from the program's own --help (the command definitions --help prints): the root
# help, then a section per command with its help verbatim. Usage: gen-man.sh BINARY > ngxdoctor.1
set -euo pipefail
bin="$1"
version="$("$bin" --version | sed -n 's/^ngxdoctor \([0-9][0-9.]*\) .*/\1/p')"
esc() { sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/' -e 's/-/\\-/g'; }
commands() { "$bin" --help | sed -n '/^Commands:/,$p' | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p'; }
cat <<HEAD
.TH NGXDOCTOR 1 "$(date -u +%Y-%m-%d)" "ngxdoctor $version" "User Commands"
.SH NAME
ngxdoctor \\- why nginx answers 502 Bad Gateway (or 504, 503, 499), right now, on this box
.SH SYNOPSIS
.B ngxdoctor
.I command
.RI [ options ]
.SH DESCRIPTION
.nf
HEAD
NO_COLOR=1 "$bin" --help | sed -n '/^Description:/,/^Usage:/p' | sed '1d;$d' | esc
echo ".fi"
echo ".SH COMMANDS"
for c in $(commands); do
  echo ".SS $c"
  echo ".nf"
  NO_COLOR=1 "$bin" "$c" --help | sed '/^Description:/d' | esc
  echo ".fi"
done
cat <<'TAIL'
.SH EXIT STATUS
0 ok, 1 warning, 2 critical, 3 unknown (the Nagios convention).
.SH FILES
.TP
.I /var/lib/ngxdoctor
state as root: fix backups and history, watch's incidents (NGXDOCTOR_STATE_DIR overrides it).
.TP
.I /etc/ngxdoctor/watch.conf
the settings of the ngxdoctor-watch service.
.SH SEE ALSO
.BR nginx (8),
/usr/share/doc/ngxdoctor/
TAIL
