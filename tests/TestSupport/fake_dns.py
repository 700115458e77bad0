# A tiny DNS server on 127.0.0.1:PORT (UDP) for tests, one behaviour per run:
#   silent        reads queries and never answers (a resolver that does not answer)
#   answer FILE   answers A queries from FILE ("name address" per line, re-read on every query; TTL 300),
#                 NXDOMAIN for names not in it, an empty answer for other query types
import socket, struct, sys

mode, port = sys.argv[1], int(sys.argv[2])
table = sys.argv[3] if len(sys.argv) > 3 else None

def names():
    result = {}
    with open(table) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                result[parts[0].lower()] = parts[1]
    return result

def question(data):
    labels, pos = [], 12
    while data[pos] != 0:
        n = data[pos]
        labels.append(data[pos + 1:pos + 1 + n].decode())
        pos += 1 + n
    qtype, = struct.unpack(">H", data[pos + 1:pos + 3])
    return ".".join(labels).lower(), qtype, data[12:pos + 5]

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(4096)
    if mode == "silent" or len(data) < 17:
        continue
    qid, = struct.unpack(">H", data[:2])
    name, qtype, q = question(data)
    known = names()
    answers = b""
    count = 0
    if name in known and qtype == 1:
        answers = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 300, 4) + socket.inet_aton(known[name])
        count = 1
    rcode = 0 if name in known else 3
    header = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, count, 0, 0)
    s.sendto(header + q + answers, peer)
