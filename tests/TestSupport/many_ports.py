# Listens on the given 127.0.0.1 ports in one process. "serve": answers every request with a tiny HTTP 200.
# "blackhole": listen(0), fills each accept queue itself and never accepts, so further SYNs are dropped.
import select, socket, sys, time

mode, ports = sys.argv[1], [int(p) for p in sys.argv[2:]]
listeners, fillers = [], []
for port in ports:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(0 if mode == "blackhole" else 128)
    listeners.append(s)
    if mode == "blackhole":
        for _ in range(3):
            c = socket.socket()
            c.setblocking(False)
            try:
                c.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            fillers.append(c)
print("ready", flush=True)
deadline = time.time() + 120
while time.time() < deadline:
    if mode == "blackhole":
        time.sleep(0.5)
        continue
    ready, _, _ = select.select(listeners, [], [], 0.5)
    for s in ready:
        conn, _ = s.accept()
        try:
            conn.settimeout(1)
            conn.recv(65536)
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
        except OSError:
            pass
        conn.close()
