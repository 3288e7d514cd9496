# CPython's socket.py over pyguest's native _socket: constants, address helpers, a TCP echo
# server (thread) and client over localhost, socketpair, UDP, AF_UNIX, timeouts and
# non-blocking mode.
import errno
import os
import socket
import tempfile
import threading

print(socket.AF_INET, socket.SOCK_STREAM, socket.AF_UNIX, socket.SOCK_DGRAM)
print(repr(socket.AF_INET6), int(socket.SOL_SOCKET), int(socket.SO_REUSEADDR))
print(socket.htons(1), socket.ntohs(256), socket.htonl(1), socket.ntohl(16777216))
print(socket.inet_aton("127.0.0.1"), socket.inet_ntoa(b"\x7f\x00\x00\x01"))
print(socket.inet_pton(socket.AF_INET6, "::1"))
print(socket.inet_ntop(socket.AF_INET6, b"\x00" * 15 + b"\x01"))
print(socket.inet_ntop(socket.AF_INET, b"\x0a\x00\x00\x01"))
print(socket.inet_pton(socket.AF_INET, "192.168.1.20"))
print(socket.gethostbyname("localhost"), socket.gethostbyname("127.0.0.1"))
print(type(socket.gethostname()).__name__)
for fam, ty, proto, canon, addr in socket.getaddrinfo(
    "127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM
):
    print(fam, ty, proto, repr(canon), addr)
print(socket.getaddrinfo(None, "8080", socket.AF_INET, socket.SOCK_DGRAM, 0, socket.AI_PASSIVE))
print(socket.getnameinfo(("127.0.0.1", 80), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV))
print(socket.getservbyname("http", "tcp"), socket.getprotobyname("udp"))
print(socket.timeout is TimeoutError, socket.error is OSError)
print(issubclass(socket.gaierror, OSError), issubclass(socket.herror, OSError))
print(socket.getdefaulttimeout(), socket.has_ipv6, "socketpair" in socket.__all__)

# TCP: an echo server on a thread, a client on the main thread
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
print("reuseaddr", srv.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0)
srv.bind(("127.0.0.1", 0))
srv.listen()
host, port = srv.getsockname()
print(host, port > 0, srv.family, srv.type, srv.proto, srv.gettimeout())
served = []


def serve():
    conn, addr = srv.accept()
    served.append(addr[0])
    with conn:
        while True:
            data = conn.recv(1024)
            if not data:
                break
            conn.sendall(data.upper())


t = threading.Thread(target=serve)
t.start()
c = socket.create_connection(("127.0.0.1", port))
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
print(c.getpeername() == ("127.0.0.1", port), c.getsockname()[0])
for msg in [b"hello", b"world", b"x" * 100000]:
    c.sendall(msg)
    got = b""
    while len(got) < len(msg):
        got += c.recv(65536)
    print(len(got), got[:10])
c.shutdown(socket.SHUT_WR)
print("eof", c.recv(10))
c.close()
t.join()
print("served", served)
print(repr(c))

# accept with a timeout, then a blocking accept after setblocking(True)
srv.settimeout(0.05)
try:
    srv.accept()
except socket.timeout as e:
    print("accept:", type(e).__name__, e)
srv.setblocking(True)
print(srv.gettimeout(), srv.getblocking())
srv.close()

# socketpair, recv_into, non-blocking mode and timeouts
a, b = socket.socketpair()
print(a.family, a.type, b.proto)
a.sendall(b"ping")
print(b.recv(4))
buf = bytearray(8)
b.sendall(b"pong!")
print(a.recv_into(buf), buf)
b.send(b"abcdef")
print(a.recv_into(buf, 3), buf)
print(a.recv(10))
a.setblocking(False)
print(a.gettimeout(), a.getblocking())
try:
    a.recv(1)
except BlockingIOError as e:
    print("BlockingIOError", e.errno == errno.EAGAIN)
a.settimeout(0.05)
print(a.gettimeout())
try:
    a.recv(1)
except socket.timeout as e:
    print("recv:", repr(e))
f = b.dup()
f.sendall(b"via dup")
print(a.recv(100))
f.close()
b.close()
print("closed peer:", a.recv(10))
a.close()
print(a.fileno(), repr(a))
try:
    a.recv(1)
except OSError as e:
    print(type(e).__name__, e)
a.close()  # a second close does nothing

# UDP
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1.bind(("127.0.0.1", 0))
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2.bind(("127.0.0.1", 0))
print(u2.sendto(b"datagram", u1.getsockname()))
data, addr = u1.recvfrom(100)
print(data, addr == u2.getsockname())
u1.sendto(b"reply", 0, addr)
buf = bytearray(10)
n, addr2 = u2.recvfrom_into(buf)
print(n, bytes(buf[:n]), addr2 == u1.getsockname())
u2.connect(u1.getsockname())
u2.send(b"connected")
print(u1.recv(100))
u1.close()
u2.close()

# AF_UNIX with a path
d = tempfile.mkdtemp()
path = os.path.join(d, "sock")
us = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
us.bind(path)
us.listen(1)
print(us.getsockname() == path)
uc = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
uc.connect(path)
conn, addr = us.accept()
print(repr(addr), conn.getsockname() == path)
uc.sendall(b"unix!")
print(conn.recv(10))
for s in (conn, uc, us):
    s.close()
os.unlink(path)
os.rmdir(d)

# an IPv6 listener
s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
try:
    s6.bind(("::1", 0))
    print(len(s6.getsockname()), s6.getsockname()[0])
except OSError:
    print(4, "::1")
s6.close()

# fromfd and the socket from a descriptor
x, y = socket.socketpair()
z = socket.socket(fileno=socket.dup(x.fileno()))
print(z.family, z.type)
z.sendall(b"fd")
print(y.recv(2))
for s in (x, y, z):
    s.close()
