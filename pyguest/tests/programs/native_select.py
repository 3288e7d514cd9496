# select: select() and poll() (on standard output, the one descriptor every run has open and
# writable; pyguest's os has no pipe() yet).
import select

out = 1
print(select.select([], [out], [], 0) == ([], [out], []))

class FileLike:
    def __init__(self, fd):
        self.fd = fd

    def fileno(self):
        return self.fd

rl, wl, xl = select.select([], [FileLike(out)], [], None)
print(rl, len(wl), wl[0].fd == out, xl)
p = select.poll()
p.register(out, select.POLLOUT)
events = dict(p.poll(0))
print(events[out] & select.POLLOUT != 0)
p.modify(out, select.POLLPRI)
print(p.poll(0))
p.unregister(out)
print(p.poll(0))
try:
    p.unregister(out)
except KeyError as e:
    print("KeyError", e.args[0] == out)
try:
    p.modify(out, select.POLLIN)
except FileNotFoundError as e:
    print("FileNotFoundError", e.errno)
for bad in [(["x"], [], [], 0), ([out], [], [], -1), ([-1], [], [], 0)]:
    try:
        select.select(*bad)
    except (TypeError, ValueError) as e:
        print(type(e).__name__ + ":", e)
print(select.POLLIN, select.POLLOUT, select.POLLPRI, select.POLLHUP, select.POLLRDHUP,
      select.POLLMSG, select.PIPE_BUF, select.error is OSError)
