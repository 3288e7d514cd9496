# asyncio streams over localhost TCP on pyguest's _socket: start_server and open_connection
# (an echo server with concurrent clients), readline/readexactly/read, a refused connection,
# a read that times out, and a server on a Unix socket path.
import asyncio
import os
import socket
import tempfile


async def handle_echo(reader, writer):
    peer = writer.get_extra_info("peername")
    while True:
        line = await reader.readline()
        if not line:
            break
        if line == b"quit\n":
            writer.write(b"bye\n")
            await writer.drain()
            break
        writer.write(line.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()
    return peer


async def client(port, name, n):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    got = []
    for i in range(n):
        writer.write(f"{name} line {i}\n".encode())
        await writer.drain()
        got.append((await reader.readline()).decode().strip())
    writer.write(b"quit\n")
    await writer.drain()
    got.append((await reader.readline()).decode().strip())
    print("eof after quit", await reader.read())
    writer.close()
    await writer.wait_closed()
    return got


async def big_transfer(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    payload = b"abc" * 20000 + b"\n"
    writer.write(payload)
    await writer.drain()
    back = await reader.readexactly(len(payload))
    writer.write(b"quit\n")
    print("big", len(back), back[:6], back == payload.upper())
    print("bye line", await reader.readline())
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle_echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print("serving", server.sockets[0].family, port > 0, server.is_serving())
    results = await asyncio.gather(client(port, "a", 3), client(port, "b", 2), client(port, "c", 1))
    for r in results:
        print(r)
    await big_transfer(port)

    # a read that times out
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await asyncio.wait_for(reader.readline(), timeout=0.05)
    except asyncio.TimeoutError:
        print("readline timed out")
    writer.write(b"quit\n")
    print(await reader.readline())
    writer.close()
    await writer.wait_closed()

    server.close()
    await server.wait_closed()
    print("closed", server.is_serving())

    # nothing listens on the port any more
    try:
        await asyncio.open_connection("127.0.0.1", port)
    except ConnectionRefusedError as e:
        print("refused", type(e).__name__, e.errno)
    except OSError as e:
        print("refused", type(e).__name__, e.errno)

    # a Unix socket server
    d = tempfile.mkdtemp()
    path = os.path.join(d, "s")
    userver = await asyncio.start_unix_server(handle_echo, path)
    reader, writer = await asyncio.open_unix_connection(path)
    writer.write(b"unix hello\nquit\n")
    print(await reader.readline(), await reader.readline())
    writer.close()
    await writer.wait_closed()
    userver.close()
    await userver.wait_closed()
    os.unlink(path)
    os.rmdir(d)

    # the low-level loop API: sock_connect / sock_accept
    loop = asyncio.get_running_loop()
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen()
    lsock.setblocking(False)
    csock = socket.socket()
    csock.setblocking(False)
    accepted, _ = await asyncio.gather(loop.sock_accept(lsock), loop.sock_connect(csock, lsock.getsockname()))
    conn, addr = accepted
    await loop.sock_sendall(csock, b"low level")
    print("sock_accept", await loop.sock_recv(conn, 100), addr == csock.getsockname())
    for s in (conn, csock, lsock):
        s.close()


asyncio.run(main())
print("done")
