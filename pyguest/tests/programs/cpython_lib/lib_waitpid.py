# os.waitpid on a thread for a child of subprocess (how asyncio's child watcher waits): the
# wait lets the main thread run, and the status decodes with waitstatus_to_exitcode.
import os
import subprocess
import sys
import threading

p = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"])
r = []
t = threading.Thread(target=lambda: r.append(os.waitpid(p.pid, 0)))
t.start()
ticks = 0
while t.is_alive():
    ticks += 1
    t.join(0.001)
t.join()
pid, status = r[0]
print(pid == p.pid, os.waitstatus_to_exitcode(status), os.WIFEXITED(status), os.WEXITSTATUS(status))
try:
    os.waitpid(p.pid, os.WNOHANG)
except ChildProcessError as e:
    print("ChildProcessError", e.errno)
