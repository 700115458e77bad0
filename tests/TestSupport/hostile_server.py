# A hostile upstream on 127.0.0.1:PORT that accepts connections and then misbehaves, one behaviour per run:
#   silent          reads, never answers
#   trickle         answers one byte a second, forever ("HTTP/1.1 200 OK..." never ends)
#   close           closes right after accepting
#   fcgi-truncated  a FastCGI STDOUT header that promises 65535 bytes, 10 of them, then close
#   fcgi-endless    valid FastCGI STDOUT records of 65535 bytes without end
#   fcgi-padded     a valid FastCGI reply whose records carry 255 bytes of padding, then END_REQUEST
#   fcgi-version    a record with protocol version 9
# and well-behaved peers for the protocol probes:
#   uwsgi-ok        reads a uwsgi packet (by its header's size) and answers HTTP/1.1 200
#   scgi-ok         reads an SCGI netstring and answers "Status: 200 OK" CGI headers
#   h2-ok           reads the HTTP/2 preface and answers with a SETTINGS frame
import socket, struct, sys, threading, time

mode, port = sys.argv[1], int(sys.argv[2])

def record(kind, content, padding=0):
    return struct.pack(">BBHHBB", 1, kind, 1, len(content), padding, 0) + content + b"\0" * padding

def recv_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data

def serve(conn):
    try:
        conn.settimeout(60)
        if mode == "close":
            return
        if mode == "uwsgi-ok":
            head = recv_exactly(conn, 4)
            size = head[1] | (head[2] << 8)
            vars = recv_exactly(conn, size)
            assert b"REQUEST_METHOD" in vars
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
            return
        if mode == "scgi-ok":
            data = b""
            while b":" not in data:
                data += conn.recv(1)
            length = int(data[:-1])
            body = recv_exactly(conn, length + 1)
            assert body.startswith(b"CONTENT_LENGTH\0") and body.endswith(b",")
            conn.sendall(b"Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nok")
            return
        if mode == "h2-ok":
            preface = recv_exactly(conn, 24)
            assert preface == b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
            conn.sendall(b"\0\0\0\x04\0\0\0\0\0")
            time.sleep(1)
            return
        conn.recv(65536)
        if mode == "silent":
            time.sleep(60)
        elif mode == "trickle":
            for b in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
                conn.sendall(bytes([b]))
                time.sleep(1)
        elif mode == "fcgi-truncated":
            conn.sendall(struct.pack(">BBHHBB", 1, 6, 1, 65535, 0, 0) + b"0123456789")
        elif mode == "fcgi-endless":
            chunk = record(6, b"x" * 65535)
            while True:
                conn.sendall(chunk)
        elif mode == "fcgi-padded":
            body = b"Status: 200 OK\r\nContent-Type: text/plain\r\n\r\npong"
            conn.sendall(record(6, body, 255) + record(6, b"", 7) + record(3, b"\0" * 8, 255))
        elif mode == "fcgi-version":
            conn.sendall(struct.pack(">BBHHBB", 9, 6, 1, 0, 0, 0))
    except OSError:
        pass
    finally:
        conn.close()

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(64)
print("ready", flush=True)
s.settimeout(1)
deadline = time.time() + 300
while time.time() < deadline:
    try:
        conn, _ = s.accept()
    except socket.timeout:
        continue
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
