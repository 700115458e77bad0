#!/usr/bin/env python3
"""`ngxdoctor diagnose` on shared-host configurations of many vhosts, each beside `nginx -t` on the same file in the
same run. Each case starts a real nginx (its own prefix, pid file and ports on 127.0.0.1) so that nginx listens on
the sockets the configuration names, then times a whole diagnosis (best of 3, wall clock, peak RSS from
/usr/bin/time) against `nginx -t -q` (best of 3). Every backend is down unless the case says "live": then a second
nginx (one worker) answers HTTP on every TCP upstream port, so that the figure is ngxdoctor's, not a slow backend's;
"live-fpm" adds a real PHP-FPM with a pool (one static child) on every vhost's socket.

Usage: bench/diagnose.py [--cases NAME,...] [--cli PATH] [--perf]
With --perf, each case is also run once under `perf record -g` (the native binary keeps its symbols) and the 25
ngxdoctor frames with the most time below them are printed: where the time goes.
"""
import argparse
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# name: (vhosts, listening ports, mode). groups: a 2-server keepalive upstream{} per vhost (by IP and by the name
# localhost) plus a PHP-FPM socket per vhost; shared: every vhost passes to one app, plus a PHP-FPM socket per vhost.
CASES = {
    "shared-100": (100, 1, "shared"),
    "shared-1000": (1000, 1, "shared"),
    "groups-100": (100, 30, "groups"),
    "groups-1000": (1000, 300, "groups"),
    "groups-1000-500ports": (1000, 500, "groups"),
    "groups-1000-live": (1000, 300, "live"),
    "groups-1000-live-fpm": (1000, 300, "live-fpm"),
}


def write_config(d, vhosts, ports, mode):
    out = [f"pid {d}/nginx.pid;", f"error_log {d}/error.log;", "worker_processes 1;",
           "events { worker_connections 1024; }", "http {", f" access_log {d}/access.log;",
           " server_names_hash_max_size 65536; server_names_hash_bucket_size 128;"]
    if mode == "shared":
        out.append(" upstream app { server 127.0.0.1:9; keepalive 16; }")
    for i in range(vhosts):
        if mode != "shared":
            a, b = 30000 + 2 * i, 30001 + 2 * i
            out.append(f" upstream g{i} {{ server 127.0.0.1:{a}; server localhost:{b}; keepalive 8; }}")
        up = "app" if mode == "shared" else f"g{i}"
        out.append(f" server {{ listen 127.0.0.1:{20000 + i % ports}; server_name v{i}.example.com;")
        out.append(f"  location / {{ proxy_pass http://{up}; proxy_http_version 1.1; proxy_set_header Connection \"\"; }}")
        out.append(f"  location ~ \\.php$ {{ include /etc/nginx/fastcgi_params; fastcgi_pass unix:{d}/php{i}.sock; }}")
        out.append(" }")
    out.append("}")
    path = os.path.join(d, "nginx.conf")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return path


def write_backend(d, ports):
    """A second nginx answering 200 on every TCP upstream port of the live case."""
    listens = "".join(f" listen 127.0.0.1:{p};" for p in ports)
    path = os.path.join(d, "backend.conf")
    with open(path, "w") as f:
        f.write(f"pid {d}/backend.pid; error_log {d}/backend-error.log; worker_processes 1; worker_rlimit_nofile 8192;\n"
                f"events {{ worker_connections 8192; }}\nhttp {{ access_log off; server {{{listens} return 200 ok; }} }}\n")
    return path


def write_fpm(d, vhosts):
    """A real PHP-FPM serving every vhost's pool socket (one static child per pool) for the live-fpm case."""
    out = ["[global]", f"pid = {d}/fpm.pid", f"error_log = {d}/fpm.log", "daemonize = yes"]
    for i in range(vhosts):
        out += [f"[p{i}]", f"listen = {d}/php{i}.sock", "listen.mode = 0666", "pm = static", "pm.max_children = 1"]
    path = os.path.join(d, "php-fpm.conf")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return path


def start_fpm(d, vhosts):
    fpm = shutil.which("php-fpm") or next(iter(sorted(glob.glob("/usr/sbin/php-fpm*"), reverse=True)), None)
    if fpm is None:
        raise SystemExit("live-fpm needs php-fpm (apt-get install php-fpm)")
    subprocess.run([fpm, "-R", "-y", write_fpm(d, vhosts)], check=True)
    for _ in range(600):
        if os.path.exists(f"{d}/fpm.pid") and os.path.exists(f"{d}/php{vhosts - 1}.sock"):
            break
        time.sleep(0.05)
    return int(open(f"{d}/fpm.pid").read())


def start_nginx(nginx, conf, pidfile):
    subprocess.run([nginx, "-c", conf], check=True)
    for _ in range(100):
        if os.path.exists(pidfile):
            break
        time.sleep(0.05)
    return int(open(pidfile).read())


def stop(pid):
    if not pid:
        return
    os.kill(pid, signal.SIGQUIT)
    for _ in range(100):
        try:
            os.kill(pid, 0)
            time.sleep(0.05)
        except ProcessLookupError:
            return


def best(n, cmd, **kw):
    times = []
    for _ in range(n):
        settle()
        t = time.monotonic()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
        times.append(time.monotonic() - t)
    return min(times)


def peak_mb(cmd):
    settle()
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(r.stderr.strip().splitlines()[-1]) / 1024


def time_wait():
    n = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            n += sum(1 for line in f if line.split()[3:4] == ["06"])
    return n


def settle():
    """The previous case's probes leave thousands of sockets in TIME_WAIT, which every read of /proc/net/tcp walks:
    each case starts once they are gone (at most 70 s), so that no case pays for another's."""
    for _ in range(70):
        if time_wait() < 500:
            return
        time.sleep(1)


def run_case(name, cli, nginx):
    vhosts, ports, mode = CASES[name]
    d = tempfile.mkdtemp(prefix=f"ngxdoctor-bench-{name}-")
    os.chmod(d, 0o755)  # nginx's workers (nobody) reach the PHP-FPM sockets inside
    backend = None
    master = None
    fpm = None
    try:
        conf = write_config(d, vhosts, ports, mode)
        if mode == "live-fpm":
            fpm = start_fpm(d, vhosts)
        if mode.startswith("live"):
            backend = start_nginx(nginx, write_backend(d, range(30000, 30000 + 2 * vhosts)), f"{d}/backend.pid")
        master = start_nginx(nginx, conf, f"{d}/nginx.pid")
        settle()
        cmd = [cli, "diagnose", "--config", conf, "--json"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if '"upstreams"' not in r.stdout:
            raise SystemExit(f"{name}: diagnose gave no report (exit {r.returncode}): {r.stderr[:300]}")
        ours = best(3, cmd)
        mem = peak_mb(cmd)
        peer = best(3, [nginx, "-t", "-q", "-c", conf])
        targets = 3 * vhosts if mode != "shared" else vhosts + 1
        print(f"{name:24} {vhosts:5} vhosts {targets:5} targets {ports:4} ports  diagnose {ours:6.3f} s  peak {mem:5.0f} MB"
              f"  nginx -t {peer:6.3f} s  ratio {ours / peer:5.1f}", flush=True)
        if PERF:
            profile(cmd, d)
        return ours
    finally:
        stop(master)
        stop(backend)
        stop(fpm)
        shutil.rmtree(d, ignore_errors=True)


PERF = False
FRAME_PREFIX = re.compile(r"^(?:NgxDoctor_(\w+?)_NgxDoctor_\1_|ngxdoctor_NgxDoctor_)")


def profile(cmd, d):
    data = os.path.join(d, "perf.data")
    settle()
    subprocess.run(["perf", "record", "-q", "-g", "-F", "1999", "-o", data] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = subprocess.run(["perf", "report", "-i", data, "--children", "--sort", "symbol", "--stdio", "-g", "none"],
                       capture_output=True, text=True)
    frames = [line.split(None, 3) for line in r.stdout.splitlines() if "%" in line and "NgxDoctor_" in line]
    frames = [f for f in frames if len(f) == 4 and not any(x in f[3] for x in ("MoveNext", "AsyncMethodBuilder", "AsyncTaskMethod", "DisplayClass"))]
    for f in frames[:25]:
        name = FRAME_PREFIX.sub("", f[3].split()[0])
        print(f"    {f[0]:>7} {name}")


def main():
    global PERF
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--cli", default=os.path.join(ROOT, ".build/cli/ngxdoctor"))
    ap.add_argument("--perf", action="store_true")
    args = ap.parse_args()
    PERF = args.perf
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(args.cli, os.X_OK):
        subprocess.run([os.path.join(ROOT, "ngxdoctor"), "--version"], check=True, stdout=subprocess.DEVNULL)
    print(f"diagnose on a shared host, {os.cpu_count()} cores; each figure best of 3, beside nginx -t -q on the same file")
    got = {c: run_case(c, args.cli, nginx) for c in args.cases.split(",")}
    for small, big in (("shared-100", "shared-1000"), ("groups-100", "groups-1000")):
        if small in got and big in got:
            print(f"growth {small} -> {big} (10x the vhosts): {got[big] / got[small]:.1f}x the time")


if __name__ == "__main__":
    main()
