# A deliberately broken HTTP backend on 127.0.0.1:PORT (or ADDRESS:PORT), one behaviour per run:
#   ok          200 "ok"
#   slow S      waits S seconds, then 200
#   close       reads the request and closes without a byte
#   bigheader   a 200 whose header is about 10 KB
#   garbage     a line that is not HTTP, then close
#   status502   the backend's own 502
#   banner      greets first, like SMTP or redis ("220 ..."), before any request
#   afterhello  reads whatever comes first (a TLS ClientHello), then answers plain HTTP 400 and closes: TLS spoken
#               to a plain port, with the plain answer only after the hello (a greeting sent first would race it)
#   reset       reads the request and resets the connection (RST, not FIN)
#   badheader   a header line with a bare CR inside, which nginx calls invalid
#   shortbody   promises 100 bytes of body, sends 10 and closes
#   clte        a 200 with both Content-Length and Transfer-Encoding: chunked
#   needsni     answers as ok, but only to a TLS handshake that sends SNI (with CERT KEY)
#   tls13       answers as ok over TLS 1.3 only (with CERT KEY)
#   cipher      answers as ok over TLS 1.2 only, with ECDHE-RSA-AES256-GCM-SHA384 only (with CERT KEY)
#   needcert    answers as ok only to a client that presents a certificate (with CERT KEY)
#   keepalive S keeps connections alive, closes one after S seconds idle, and a request that comes in its last idle
#               second gets no answer: the idle-close race nginx's keepalive meets, with a window wide enough to hit
#   segv        each connection is handled by a forked child that reads the request and dies of SIGSEGV (the kernel
#               logs "python3[PID]: segfault at 0 ..."), as a pre-fork server's crashing worker
# With CERT KEY after the mode's argument, it speaks TLS with that certificate (PEM files).
import ctypes, os, signal, socket, ssl, sys, threading, time

mode, where = sys.argv[1], sys.argv[2]
bind, port = (where.rsplit(":", 1)[0], int(where.rsplit(":", 1)[1])) if ":" in where else ("127.0.0.1", int(where))
arg = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
tls = None
if len(sys.argv) > 5:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(sys.argv[4], sys.argv[5])
    if mode == "tls13":
        tls.minimum_version = ssl.TLSVersion.TLSv1_3
    if mode == "cipher":
        tls.maximum_version = ssl.TLSVersion.TLSv1_2
        tls.set_ciphers("ECDHE-RSA-AES256-GCM-SHA384")
    if mode == "needcert":
        tls.verify_mode = ssl.CERT_REQUIRED
        tls.load_verify_locations(sys.argv[4])
    if mode == "needsni":
        tls.sni_callback = lambda sock, name, ctx: None if name else ssl.ALERT_DESCRIPTION_HANDSHAKE_FAILURE

def respond(conn):
    try:
        conn.settimeout(10)
        if tls is not None:
            conn = tls.wrap_socket(conn, server_side=True)
        if mode == "banner":
            conn.sendall(b"220 fake.test ESMTP ready\r\n")
            time.sleep(1)
            return
        if mode == "afterhello":
            if conn.recv(4096):
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        if mode == "keepalive":
            while True:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=%d\r\n\r\nok" % int(arg))
                idle = time.time()
                conn.settimeout(arg)
                try:
                    data = conn.recv(4096)
                except socket.timeout:
                    return
                if not data or time.time() - idle >= arg - 1:
                    return  # in its last idle second the backend is closing: a request then gets no answer
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    data += chunk
        if mode == "slow":
            time.sleep(arg)
        if mode == "close":
            return
        if mode == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            return
        if mode == "badheader":
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Bad: a\rb\r\nContent-Length: 2\r\n\r\nok")
            return
        if mode == "shortbody":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
            time.sleep(0.2)
            return
        if mode == "clte":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nok\r\n0\r\n\r\n")
            return
        if mode == "badchunk":
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nnot a chunk\r\n")
            time.sleep(0.2)
            return
        if mode == "garbage":
            conn.sendall(b"+OK this is not http\r\n")
            return
        if mode == "bigheader":
            head = "HTTP/1.1 200 OK\r\nX-Big: " + "a" * 10240 + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            conn.sendall(head.encode())
            return
        status = "502 Bad Gateway" if mode == "status502" else "200 OK"
        body = b"backend says " + status.encode()
        conn.sendall(("HTTP/1.1 %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % (status, len(body))).encode() + body)
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((bind, port))
s.listen(64)
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
print("ready", flush=True)
deadline = time.time() + 300
s.settimeout(1)
while time.time() < deadline:
    try:
        conn, _ = s.accept()
    except socket.timeout:
        continue
    if mode == "segv":
        if os.fork() == 0:
            conn.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    os._exit(0)
                data += chunk
            ctypes.string_at(0)
        conn.close()
        continue
    threading.Thread(target=respond, args=(conn,), daemon=True).start()
