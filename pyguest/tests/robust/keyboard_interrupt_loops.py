# Ctrl-C in loops that make no call (issue 15): each loop below spins without a Python call,
# so only the check at backward jumps (the interpreter's poll, and the compiled loop's
# interrupt guard with the JIT on) can deliver KeyboardInterrupt. Driven by
# tests/robustness.rs, which sends SIGINT a while after each "ready" line, so that the loop is
# compiled by then with the JIT on. The last loop is not handled: the traceback, its finally,
# and death by SIGINT.
def ready(what):
    print("ready", what, flush=True)

try:
    ready("while")
    x = 0
    while True:
        x += 1
except KeyboardInterrupt:
    print("caught while", x > 0)

try:
    ready("for")
    t = 0
    for i in range(10**15):
        t += i
except KeyboardInterrupt:
    print("caught for", t > 0)

try:
    ready("comprehension")
    never = [i for i in range(10**15) if i < 0]
except KeyboardInterrupt:
    print("caught comprehension")

def nested():
    n = 0
    while True:
        for j in range(1000):
            n += j
        k = 0
        while k < 100:
            k += 1

try:
    ready("nested")
    nested()
except KeyboardInterrupt as e:
    print("caught nested", repr(e))

def spin_with_finally():
    s = 0.0
    try:
        while True:
            s += 0.5
    finally:
        print("finally ran", s > 0)

try:
    ready("finally")
    spin_with_finally()
except KeyboardInterrupt:
    print("caught finally")

def spin_in_handler():
    try:
        raise ValueError("x")
    except ValueError:
        try:
            while 1:
                pass
        except KeyboardInterrupt as e:
            print("inner", type(e.__context__).__name__)
            raise

try:
    ready("handler")
    spin_in_handler()
except KeyboardInterrupt:
    print("caught handler")

print("all handled", flush=True)
try:
    ready("unhandled")
    y = 0
    while True:
        y += 1
finally:
    print("finally unhandled", y > 0, flush=True)
