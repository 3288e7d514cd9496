import io
import logging
import logging.handlers
import os
import tempfile

log = logging.getLogger("handlers_demo")
log.setLevel(logging.DEBUG)
log.propagate = False

# MemoryHandler: buffer until capacity or an ERROR arrives, then flush to the target
out = io.StringIO()
target = logging.StreamHandler(out)
target.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
mem = logging.handlers.MemoryHandler(capacity=3, flushLevel=logging.ERROR, target=target)
log.addHandler(mem)
log.info("one")
log.info("two")
print("buffered:", len(mem.buffer), repr(out.getvalue()))
log.info("three")
print("after capacity:", len(mem.buffer), out.getvalue().splitlines())
log.debug("four")
log.error("five")
print("after error:", len(mem.buffer), out.getvalue().splitlines()[-2:])
log.info("six")
mem.close()
print("after close:", out.getvalue().splitlines()[-1], mem.target)
log.removeHandler(mem)

# BufferingHandler subclass
class Collect(logging.handlers.BufferingHandler):
    def flush(self):
        if self.buffer:
            print("flush", [r.getMessage() for r in self.buffer])
        self.buffer.clear()

col = Collect(2)
log.addHandler(col)
for i in range(5):
    log.warning("w%d", i)
col.close()
log.removeHandler(col)

# RotatingFileHandler
d = tempfile.mkdtemp()
path = os.path.join(d, "app.log")
rot = logging.handlers.RotatingFileHandler(path, maxBytes=60, backupCount=2)
rot.setFormatter(logging.Formatter("%(message)s"))
log.addHandler(rot)
for i in range(12):
    log.info("message number %02d", i)
rot.close()
log.removeHandler(rot)
for name in sorted(os.listdir(d)):
    with open(os.path.join(d, name)) as fh:
        print(name, fh.read().split("\n"))
    os.remove(os.path.join(d, name))
os.rmdir(d)

# QueueHandler with a simple queue object
class SimpleQueue:
    def __init__(self):
        self.items = []
    def put_nowait(self, item):
        self.items.append(item)
    def get_nowait(self):
        if not self.items:
            raise IndexError("empty")
        return self.items.pop(0)

q = SimpleQueue()
qh = logging.handlers.QueueHandler(q)
log.addHandler(qh)
log.warning("queued %s", "record")
log.removeHandler(qh)
rec = q.items[0]
print(rec.msg, rec.args, rec.getMessage(), rec.levelname)
print(issubclass(logging.handlers.WatchedFileHandler, logging.FileHandler))
