#!/usr/bin/env python3
"""From the first failing error-log line written to `watch --json` printing the incident's start (diagnosis and
bundle done): TRIALS times, each a fresh watch; prints each latency and the median, in ms. Usage: BINARY TRIALS"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time

binary, trials = sys.argv[1], int(sys.argv[2])
work = tempfile.mkdtemp(prefix="ngxdoctor-latency-")
conf, log = os.path.join(work, "nginx.conf"), os.path.join(work, "error.log")
open(conf, "w").write(f"error_log {log};\nevents {{}}\nhttp {{ access_log off; server {{ listen 127.0.0.1:1; location / {{ proxy_pass http://127.0.0.1:2; }} }} }}\n")
line = ('{t} [error] 7#7: *{n} connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, '
        'server: _, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:2/", host: "x"\n')
took = []
for trial in range(trials):
    open(log, "w").close()
    env = dict(os.environ, NGXDOCTOR_STATE_DIR=os.path.join(work, "state"))
    p = subprocess.Popen([binary, "watch", "--config", conf, "--json", "--duration", "30s"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    time.sleep(1.5)  # located, the log opened at its end
    start = time.monotonic()
    with open(log, "a") as f:
        for n in range(3):
            f.write(line.format(t=time.strftime("%Y/%m/%d %H:%M:%S"), n=n))
            f.flush()
    event = json.loads(p.stdout.readline())
    took.append((time.monotonic() - start) * 1000)
    assert event["event"] == "started" and event["bundle"], event
    p.terminate(); p.wait()
    print(f"trial {trial + 1}: {took[-1]:.0f} ms (diagnosis {event['diagnosedInMs']:.0f} ms, status {event['status']})")
print(f"first failing line -> incident written: median {statistics.median(took):.0f} ms, max {max(took):.0f} ms")
shutil.rmtree(work)
