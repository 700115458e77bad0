#!/usr/bin/env bash
# ngxdoctor(1) in roff, generated from the program's own --help (the command definitions --help prints): the root
# help, then a section per command with its help verbatim. Usage: gen-man.sh BINARY > ngxdoctor.1
set -euo pipefail
bin="$1"
version="$("$bin" --version | sed -n 's/^ngxdoctor \([0-9][0-9.]*\) .*/\1/p')"
esc() { sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/' -e 's/-/\\-/g'; }
# Every command, also those whose help line names an argument ("route <url>").
commands() { "$bin" --help | sed -n '/^Commands:/,$p' | sed -n 's/^  \([a-z][a-z-]*\)\( <[a-z]*>\)\{0,1\}  .*/\1/p'; }
# The help as man shows it within 80 columns (a section is indented by 7): prose lines of one paragraph are joined
# and wrapped at 72; an option's description wraps under itself, an example's tail under the example.
wrap() { awk -v width=72 '
function emit(text, first, rest,    pad, line, cut, i) {
  pad = sprintf("%" first "s", "")
  while (length(text) + length(pad) > width) {
    cut = 0
    for (i = width - length(pad); i > 10; i--) if (substr(text, i, 1) == " ") { cut = i; break }
    if (cut == 0) break
    print pad substr(text, 1, cut - 1)
    text = substr(text, cut + 1); sub(/^ +/, "", text)
    pad = sprintf("%" rest "s", "")
  }
  print pad text
}
function flush() { if (para != "") emit(para, pindent, pindent); para = "" }
{
  match($0, /^ */); ind = RLENGTH; body = substr($0, ind + 1)
  prose = body != "" && body !~ /^(ngxdoctor|sudo|kubectl|ansible|-|\$|#)/ && body !~ /:$/ && body !~ /  +#/
  if (prose && para != "" && ind == pindent) { para = para " " body; next }
  flush()
  if (prose) { para = body; pindent = ind; next }
  if (body ~ /^-/) { match(body, /^-[^ ]*(, --[^ ]*)?( <[^>]*>)? +/); emit(body, ind, ind + RLENGTH) }
  else emit(body, ind, ind + 4)
}
END { flush() }'; }
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
NO_COLOR=1 "$bin" --help | sed -n '/^Description:/,/^Usage:/p' | sed '1d;$d' | wrap | esc
echo ".fi"
echo ".SH COMMANDS"
for c in $(commands); do
  echo ".SS $c"
  echo ".nf"
  NO_COLOR=1 "$bin" "$c" --help | sed '/^Description:/d' | wrap | esc
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
