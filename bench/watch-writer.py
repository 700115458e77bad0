#!/usr/bin/env python3
"""Appends lines of SOURCE to TARGET at RATE lines/s (in 20 batches a second) for SECONDS, looping over SOURCE,
with a fresh $time_local so followers see the present; prints how many lines it wrote."""
import sys, time

source, target, rate, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
lines = open(source, encoding='utf-8', errors='replace').read().splitlines()
per = max(1, rate // 20)
i = written = 0
start = time.monotonic()
with open(target, 'a', buffering=1 << 20) as out:
    while time.monotonic() - start < seconds:
        stamp = time.strftime('[%d/%b/%Y:%H:%M:%S +0000]', time.gmtime())
        batch = []
        for _ in range(per):
            line = lines[i % len(lines)]
            i += 1
            a, b = line.find('['), line.find(']')
            batch.append(line[:a] + stamp + line[b + 1:] if a >= 0 < b else line)
        out.write('\n'.join(batch) + '\n')
        out.flush()
        written += per
        next_at = start + written / rate
        time.sleep(max(0, next_at - time.monotonic()))
print(written)
