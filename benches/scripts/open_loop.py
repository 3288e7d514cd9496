"""A read/write loop through the built-in `open` (text writes, line iteration, a binary read,
an append), timed in CPU seconds: the check that `open()` of a plain file keeps its speed.

    pyguest benches/scripts/open_loop.py [REPS] [layered]

With `layered`, every `open` passes `opener=os.open`, which makes pyguest build the `io`
layers (`FileIO` + buffer + `TextIOWrapper`) instead of its whole-file objects.
"""
import os
import sys
import tempfile
import time

reps = int(sys.argv[1]) if len(sys.argv) > 1 else 60
extra = {"opener": os.open} if "layered" in sys.argv[2:] else {}
d = tempfile.mkdtemp()
p = os.path.join(d, "b.txt")
t0 = time.process_time()
for rep in range(reps):
    with open(p, "w", **extra) as f:
        for i in range(2000):
            f.write("line %d of the file\n" % i)
    n = 0
    with open(p, "r", **extra) as f:
        for line in f:
            n += len(line)
    with open(p, "rb", **extra) as f:
        data = f.read()
    with open(p, "ab", **extra) as f:
        f.write(b"tail\n")
t1 = time.process_time()
print(n, len(data), "%.3f" % (t1 - t0))
os.remove(p)
os.rmdir(d)
