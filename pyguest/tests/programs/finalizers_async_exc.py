# Finalizers of exception-class instances and of abandoned async generators (issue 15).
# pyguest finalizes at a full collection (no reference counting), so each check deletes its
# references and calls gc.collect() first; the output is CPython 3.11's.
import gc
import sys


class Err(Exception):
    def __del__(self):
        print("__del__ Err", self.args)


class KeyErr(KeyError):
    def __init__(self, key):
        super().__init__(key)
        self.key = key

    def __del__(self):
        print("__del__ KeyErr", self.key)


# an exception raised and caught inside a function dies with the handler
def raise_and_catch():
    try:
        raise Err(1)
    except Err as e:
        print("caught", e.args)


raise_and_catch()
# (the interpreter loop's native frame keeps the last exception it propagated in a stack
# slot until the next one, and the conservative stack scan sees it: see "Issue 15 audit" in
# docs/compatibility.md. Another raise replaces it.)
try:
    raise ValueError
except ValueError:
    pass
gc.collect()
print("after function")

# an exception instance that is never raised
e = Err(2)
del e
gc.collect()
print("after unraised")

# a subclass of a built-in exception with its own __init__
k = KeyErr("k")
k = None
gc.collect()
print("after subclass")

# caught at module level: the name is unbound at the end of the handler
try:
    raise Err(3)
except Err as e:
    print("caught", e.args)
try:
    raise ValueError
except ValueError:
    pass
gc.collect()
print("after module-level handler")


# async generators driven by hand (no hooks): abandoning one closes it like a generator
def run(aw):
    try:
        aw.send(None)
    except StopIteration as s:
        return s.value
    raise AssertionError("suspended")


async def numbers(tag):
    try:
        for i in range(3):
            yield i
    finally:
        print("numbers finally", tag)


ag = numbers("manual")
print(run(ag.__anext__()))
del ag
# (a caught exception's traceback can stay in the interpreter loop's native frame until the
# next raise, and it reaches `run`'s frame and so the generator: raise one to clear it, as
# the exception cases above do; docs/compatibility.md, issue 15 audit)
try:
    raise ValueError
except ValueError:
    pass
gc.collect()
print("after manual")

# an unstarted or exhausted async generator has nothing to run
ag = numbers("unstarted")
del ag
gc.collect()
print("after unstarted")


# with a finalizer hook (set before the first iteration), the hook is called instead
pending = []


def firstiter(agen):
    print("firstiter", agen.__name__)


def finalizer(agen):
    print("finalizer hook", agen.__name__)
    pending.append(agen)


old = sys.get_asyncgen_hooks()
sys.set_asyncgen_hooks(firstiter=firstiter, finalizer=finalizer)
def start_hooked():
    ag = numbers("hooked")
    print(run(ag.__anext__()))
# (called from native code, so the dispatch loop that ran it, and the stale words its native
# frame leaves, are gone before the collections below; the exception that ended its
# `__anext__` holds the frame through its traceback)
next(map(lambda _: start_hooked(), [0]))
sys.set_asyncgen_hooks(*old)
try:
    raise ValueError
except ValueError:
    pass
# (pyguest's collector scans native stacks conservatively: a stale word may keep the
# generator one collection longer; collect from other stack depths until it is found)
def collect_deeper(n):
    if n:
        return collect_deeper(n - 1)
    gc.collect()
for depth in range(8):
    if pending:
        break
    collect_deeper(depth * 5)
print("hook queued", len(pending))
try:
    run(pending.pop().aclose())
except StopIteration:
    pass
print("after aclose")


print("end")
