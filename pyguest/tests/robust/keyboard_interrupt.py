# Ctrl-C (SIGINT) as KeyboardInterrupt: caught around a loop of calls, interrupting
# time.sleep, running finally blocks, and unhandled at the end (traceback, death by SIGINT).
# Driven by tests/robustness.rs, which sends SIGINT three times.
import time, sys
def work(n):
    return n + 1
print("start", flush=True)
try:
    i = 0
    while True:
        i = work(i)
except KeyboardInterrupt:
    print("caught KeyboardInterrupt", i > 0)
finally:
    print("finally 1")
try:
    time.sleep(30)
except KeyboardInterrupt as e:
    print("sleep interrupted", repr(e))
def outer():
    try:
        while True:
            work(1)
    finally:
        print("finally 2", flush=True)
outer()
print("not reached")
