#!/usr/bin/env bash
# bash, zsh and fish completions generated from the program's own --help (commands and each command's options).
# Usage: gen-completions.sh BINARY ROOT   (writes under ROOT/usr/share/...)
set -euo pipefail
bin="$1"; root="$2"
# Every command, also those whose help line names an argument ("route <url>", "explain <cause>").
commands="$("$bin" --help | sed -n '/^Commands:/,$p' | sed -n 's/^  \([a-z][a-z-]*\)\( <[a-z]*>\)\{0,1\}  .*/\1/p' | tr '\n' ' ')"
options() { "$bin" "$1" --help | sed -n '/^Options:/,$p' | grep -oE '^  (-[a-zA-Z?], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z][a-z-]*' | tr '\n' ' '; }
# Values, not file names: the cause codes (explain's argument, fix --only) and each command's --format choices
# (read with the help's lines joined: --help wraps them at 80 columns).
causes="$("$bin" explain --help | tr '\n' ' ' | sed -n 's/.*Cause codes: \([a-z, -]*\).*/\1/p' | tr -d ',')"
formats() { "$bin" "$1" --help | tr '\n' ' ' | sed -n 's/.*--format <format> *output: \([a-z, ]*\).*/\1/p' | tr -d ','; }
bash_file="$root/usr/share/bash-completion/completions/ngxdoctor"
zsh_file="$root/usr/share/zsh/vendor-completions/_ngxdoctor"
fish_file="$root/usr/share/fish/vendor_completions.d/ngxdoctor.fish"
mkdir -p "$(dirname "$bash_file")" "$(dirname "$zsh_file")" "$(dirname "$fish_file")"
{
  echo "# bash completion for ngxdoctor (generated from its --help)"
  echo "_ngxdoctor() {"
  echo "  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd=\${COMP_WORDS[1]} opts"
  echo "  if [ \"\$COMP_CWORD\" -eq 1 ]; then COMPREPLY=(\$(compgen -W \"$commands --help --version\" -- \"\$cur\")); return; fi"
  echo "  case \"\$cmd\" in"
  for c in $commands; do echo "    $c) opts=\"$(options "$c")\" ;;"; done
  echo "    *) opts=\"\" ;;"
  echo "  esac"
  echo "  case \"\$cmd \$prev\" in"
  for c in $commands; do f="$(formats "$c")"; [ -n "$f" ] && echo "    \"$c --format\") COMPREPLY=(\$(compgen -W \"$f\" -- \"\$cur\")); return ;;"; done
  echo "    \"fix --only\"|\"explain explain\") COMPREPLY=(\$(compgen -W \"$causes\" -- \"\$cur\")); return ;;"
  echo "  esac"
  echo "  case \"\$cur\" in -*) COMPREPLY=(\$(compgen -W \"\$opts\" -- \"\$cur\")) ;; *) COMPREPLY=(\$(compgen -f -- \"\$cur\")) ;; esac"
  echo "}"
  echo "complete -F _ngxdoctor ngxdoctor"
} > "$bash_file"
{
  echo "#compdef ngxdoctor"
  echo "# zsh completion for ngxdoctor (generated from its --help)"
  echo "if (( CURRENT == 2 )); then compadd -- $commands; return; fi"
  echo "case \$words[CURRENT-1] in"
  echo "  --format) compadd -- $(for c in $commands; do formats "$c"; done | tr ' ' '\n' | sort -u | tr '\n' ' '); return ;;"
  echo "  --only) compadd -- $causes; return ;;"
  echo "esac"
  echo "if [[ \$words[2] == explain && CURRENT == 3 ]]; then compadd -- $causes; return; fi"
  echo "case \$words[2] in"
  for c in $commands; do echo "  $c) compadd -- $(options "$c") ;;"; done
  echo "esac"
} > "$zsh_file"
{
  echo "# fish completion for ngxdoctor (generated from its --help)"
  echo "complete -c ngxdoctor -f -n '__fish_use_subcommand' -a '$commands'"
  for c in $commands; do
    for o in $(options "$c"); do
      case "$o" in
        --format) echo "complete -c ngxdoctor -n '__fish_seen_subcommand_from $c' -l format -x -a '$(formats "$c")'" ;;
        --only) echo "complete -c ngxdoctor -n '__fish_seen_subcommand_from $c' -l only -x -a '$causes'" ;;
        *) echo "complete -c ngxdoctor -n '__fish_seen_subcommand_from $c' -l ${o#--}" ;;
      esac
    done
  done
  echo "complete -c ngxdoctor -n '__fish_seen_subcommand_from explain' -x -a '$causes'"
} > "$fish_file"
chmod 0644 "$bash_file" "$zsh_file" "$fish_file"
