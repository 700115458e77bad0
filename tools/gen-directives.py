#!/usr/bin/env python3
"""Generate src/NgxDoctor.Config/Grammar/directives.tsv from nginx's own ngx_command_t tables.

Usage: tools/gen-directives.py GITDIR[@REF] ... > src/NgxDoctor.Config/Grammar/directives.tsv

Each argument is a git directory (a bare mirror is enough) and a ref (HEAD when omitted): nginx itself at
the releases Debian ships and at its head, and the third-party modules people build in. Every
`static ngx_command_t x[] = { ... }` array is read, the module that owns it (its ngx_module_t's type:
NGX_CORE_MODULE, NGX_HTTP_MODULE, ...) gives the meaning of its context bits, and a command whose set
function assigns cf->handler reads its block's content itself (map, types, geo, ...): HANDLER.
One directive of one module seen in several versions is listed once with the union of its bits, so the
table is never stricter than any nginx it was read from.
"""
import re
import subprocess
import sys

ARGS = {
    "NGX_CONF_NOARGS": ["NOARGS"], "NGX_CONF_TAKE1": ["TAKE1"], "NGX_CONF_TAKE2": ["TAKE2"],
    "NGX_CONF_TAKE3": ["TAKE3"], "NGX_CONF_TAKE4": ["TAKE4"], "NGX_CONF_TAKE5": ["TAKE5"],
    "NGX_CONF_TAKE6": ["TAKE6"], "NGX_CONF_TAKE7": ["TAKE7"],
    "NGX_CONF_TAKE12": ["TAKE1", "TAKE2"], "NGX_CONF_TAKE13": ["TAKE1", "TAKE3"],
    "NGX_CONF_TAKE23": ["TAKE2", "TAKE3"], "NGX_CONF_TAKE123": ["TAKE1", "TAKE2", "TAKE3"],
    "NGX_CONF_TAKE1234": ["TAKE1", "TAKE2", "TAKE3", "TAKE4"],
    "NGX_CONF_BLOCK": ["BLOCK"], "NGX_CONF_FLAG": ["FLAG"], "NGX_CONF_ANY": ["ANY"],
    "NGX_CONF_1MORE": ["1MORE"], "NGX_CONF_2MORE": ["2MORE"],
}
# Context bits, named per module type (the same bit means events{} for an event module and http{} for an http one).
CONTEXTS = {
    "core": {"NGX_MAIN_CONF": "MAIN", "NGX_DIRECT_CONF": None, "NGX_ANY_CONF": "ANYWHERE"},
    "conf": {"NGX_ANY_CONF": "ANYWHERE", "NGX_MAIN_CONF": "MAIN", "NGX_DIRECT_CONF": None},
    "event": {"NGX_EVENT_CONF": "EVENTS"},
    "http": {"NGX_HTTP_MAIN_CONF": "HTTP_MAIN", "NGX_HTTP_SRV_CONF": "HTTP_SRV", "NGX_HTTP_LOC_CONF": "HTTP_LOC",
             "NGX_HTTP_UPS_CONF": "HTTP_UPS", "NGX_HTTP_SIF_CONF": "HTTP_SIF", "NGX_HTTP_LIF_CONF": "HTTP_LIF",
             "NGX_HTTP_LMT_CONF": "HTTP_LMT"},
    "stream": {"NGX_STREAM_MAIN_CONF": "STREAM_MAIN", "NGX_STREAM_SRV_CONF": "STREAM_SRV",
               "NGX_STREAM_UPS_CONF": "STREAM_UPS"},
    "mail": {"NGX_MAIL_MAIN_CONF": "MAIL_MAIN", "NGX_MAIL_SRV_CONF": "MAIL_SRV"},
}
MODULE_TYPES = {"NGX_CORE_MODULE": "core", "NGX_CONF_MODULE": "conf", "NGX_EVENT_MODULE": "event",
                "NGX_HTTP_MODULE": "http", "NGX_STREAM_MODULE": "stream", "NGX_MAIL_MODULE": "mail"}

COMMANDS = re.compile(r"ngx_command_t\s+(\w+)\s*\[\]\s*=\s*\{(.*?)\n\};", re.S)
ENTRY = re.compile(r"\{\s*ngx_string\(\s*\"([^\"]+)\"\s*\)\s*,\s*([^,]+?)\s*,\s*(\w+)\s*,", re.S)
MODULE = re.compile(r"ngx_module_t\s+\w+\s*=\s*\{\s*NGX_MODULE_V1\s*,\s*[^,]+,\s*(\w+)\s*,\s*(\w+)\s*,", re.S)


def git(gitdir, *args):
    return subprocess.run(["git", "-C", gitdir, *args], check=True, capture_output=True).stdout.decode("utf-8", "replace")


def sources(spec):
    gitdir, _, ref = spec.partition("@")
    ref = ref or "HEAD"
    for path in git(gitdir, "ls-tree", "-r", "--name-only", ref).splitlines():
        if path.endswith(".c") and "/test" not in path and not path.startswith("t/"):
            text = git(gitdir, "show", f"{ref}:{path}")
            yield path, re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def handler_functions(text):
    """Set functions whose body assigns cf->handler: their block's content is read by a handler."""
    found = set()
    for m in re.finditer(r"\n(\w+)\(ngx_conf_t \*cf,[^)]*\)\n\{(.*?)\n\}", text, re.S):
        if re.search(r"(?<![\w>.])cf->handler\s*=", m.group(2)):
            found.add(m.group(1))
    return found


def main():
    table = {}
    unknown = set()
    for spec in sys.argv[1:]:
        files = dict(sources(spec))
        handlers = set()
        for text in files.values():
            handlers |= handler_functions(text)
        for path, text in files.items():
            owners = {cmds: MODULE_TYPES.get(kind) for cmds, kind in MODULE.findall(text)}
            for name, body in COMMANDS.findall(text):
                kind = owners.get(name)
                if kind is None:
                    print(f"# skipped {spec} {path} {name}: no module of a known type", file=sys.stderr)
                    continue
                for directive, flags, setter in ENTRY.findall(body):
                    bits = set()
                    for token in re.split(r"[|()\s]+", flags):
                        if not token:
                            continue
                        if token in ARGS:
                            bits.update(ARGS[token])
                        elif token in CONTEXTS[kind]:
                            if CONTEXTS[kind][token]:
                                bits.add(CONTEXTS[kind][token])
                        else:
                            unknown.add((path, directive, token))
                    if setter in handlers:
                        bits.add("HANDLER")
                    key = (directive, kind, path.rsplit("/", 1)[-1])
                    table.setdefault(key, set()).update(bits)
    for path, directive, token in sorted(unknown):
        print(f"# unknown flag {token} of {directive} in {path}", file=sys.stderr)
    print("# directive\tcontexts and arguments, from nginx's ngx_command_t tables (tools/gen-directives.py)")
    lines = set()
    for (directive, kind, _), bits in table.items():
        lines.add(f"{directive}\t{'|'.join(sorted(bits))}")
    for line in sorted(lines):
        print(line)


if __name__ == "__main__":
    main()
