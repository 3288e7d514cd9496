# Errors of CPython's socket.py over pyguest's native _socket: refused connections, bad
# arguments, closed sockets, bad addresses; each is a Python exception with CPython's text.
import errno
import socket

s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
c = socket.socket()
try:
    c.connect(("127.0.0.1", port))
except ConnectionRefusedError as e:
    print(type(e).__name__, e.errno == errno.ECONNREFUSED, e)
c.close()
c = socket.socket()
print(c.connect_ex(("127.0.0.1", port)) == errno.ECONNREFUSED)
c.close()
try:
    socket.create_connection(("127.0.0.1", port))
except OSError as e:
    print("create_connection:", type(e).__name__)

# a non-blocking connect
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen()
c = socket.socket()
c.setblocking(False)
try:
    c.connect(srv.getsockname())
    print("connected at once")
except BlockingIOError as e:
    print("BlockingIOError", e.errno == errno.EINPROGRESS)
conn, _ = srv.accept()
print(c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
for x in (conn, c, srv):
    x.close()


def attempt(label, f, *args):
    try:
        r = f(*args)
        print(label, "->", r)
    except Exception as e:
        print(label, "->", type(e).__name__ + ":", e)


s = socket.socket()
attempt("bind str", s.bind, "x")
attempt("bind 3-tuple", s.bind, ("127.0.0.1", 1, 2))
attempt("bind port", s.bind, ("127.0.0.1", 70000))
attempt("bind port type", s.bind, ("127.0.0.1", "80"))
attempt("bind host type", s.bind, (1, 80))
attempt("settimeout -1", s.settimeout, -1)
attempt("settimeout str", s.settimeout, "x")
attempt("recv -1", s.recv, -1)
attempt("send str", s.send, "text")
attempt("recv_into bytes", s.recv_into, b"abc")
attempt("getsockopt buflen", s.getsockopt, socket.SOL_SOCKET, socket.SO_TYPE, 5000)
attempt("recv unconnected", s.recv, 1)
attempt("getpeername", s.getpeername)
attempt("listen", s.listen, 1)
s.close()
attempt("recv closed", s.recv, 1)
attempt("send closed", s.send, b"x")
attempt("getsockname closed", s.getsockname)
attempt("fileno closed", s.fileno)
attempt("family", socket.socket, 12345)
attempt("fileno -1", socket.socket, -1, -1, -1, -1)
attempt("not a socket fd", socket.socket, -1, -1, -1, 0)
attempt("inet_aton", socket.inet_aton, "1.2.3.x")
attempt("inet_aton type", socket.inet_aton, 5)
attempt("inet_ntoa", socket.inet_ntoa, b"12")
attempt("inet_pton", socket.inet_pton, socket.AF_INET, "::1")
attempt("inet_pton family", socket.inet_pton, 12345, "1.2.3.4")
attempt("inet_ntop", socket.inet_ntop, socket.AF_INET6, b"1234")
attempt("htons", socket.htons, -1)
attempt("htons big", socket.htons, 70000)
attempt("htonl big", socket.htonl, 2**40)
attempt("htons float", socket.htons, 1.5)
attempt("getaddrinfo port", socket.getaddrinfo, "127.0.0.1", 1.5)
attempt("getservbyname", socket.getservbyname, "no-such-service", "tcp")
attempt("getprotobyname", socket.getprotobyname, "no-such-proto")
attempt("setdefaulttimeout", socket.setdefaulttimeout, -5)
try:
    socket.getaddrinfo("no-such-host.invalid", 80)
except socket.gaierror as e:
    print("gaierror", type(e.errno).__name__, e.errno < 0)
u = socket.socket(socket.AF_UNIX)
attempt("unix long path", u.bind, "x" * 200)
attempt("unix int", u.bind, 5)
attempt("unix missing", u.connect, "/nonexistent/dir/sock")
u.close()

# the default timeout applies to new sockets
socket.setdefaulttimeout(2.5)
s = socket.socket()
print(socket.getdefaulttimeout(), s.gettimeout())
s.close()
socket.setdefaulttimeout(None)
print(socket.getdefaulttimeout())

# OSError(errno, text) builds the errno's subclass (PEP 3151), which asyncio relies on
for code in (11, 32, 104, 111, 110, 2, 13, 9):
    e = OSError(code, "text")
    print(code, type(e).__name__, e.errno, e.args)
print(type(OSError("plain")).__name__, type(OSError(111)).__name__)
