import io
import sys
from contextlib import (contextmanager, suppress, ExitStack, closing, nullcontext,
                        redirect_stdout, ContextDecorator, AbstractContextManager)

log = []


@contextmanager
def tag(name):
    log.append("enter " + name)
    try:
        yield name.upper()
    except ValueError as e:
        log.append("caught %s in %s" % (e, name))
    finally:
        log.append("exit " + name)


with tag("a") as t:
    log.append("body " + t)
with tag("b"):
    raise ValueError("bad")
try:
    with tag("c"):
        raise KeyError("k")
except KeyError as e:
    log.append("outer KeyError %s" % e)
print(log)


@contextmanager
def no_yield():
    if False:
        yield


@contextmanager
def two_yields():
    yield 1
    yield 2


for cm in (no_yield, two_yields):
    try:
        with cm():
            pass
    except RuntimeError as e:
        print("RuntimeError:", e)


@contextmanager
def reraise_other():
    try:
        yield
    except ZeroDivisionError:
        raise ValueError("converted")


try:
    with reraise_other():
        1 / 0
except ValueError as e:
    print("ValueError:", e, type(e.__context__).__name__)


@tag("deco")
def decorated(x):
    return x * 2


log.clear()
print(decorated(21), log)

with suppress(KeyError, IndexError):
    [][1]
print("suppressed")
try:
    with suppress(KeyError):
        raise ValueError("not suppressed")
except ValueError as e:
    print("ValueError:", e)


class Resource:
    def __init__(self, name, out):
        self.name, self.out = name, out

    def __enter__(self):
        self.out.append("open " + self.name)
        return self

    def __exit__(self, *exc):
        self.out.append("close %s %s" % (self.name, exc[0].__name__ if exc[0] else None))
        return False

    def close(self):
        self.out.append("closed " + self.name)


events = []
with ExitStack() as stack:
    rs = [stack.enter_context(Resource(n, events)) for n in "xyz"]
    stack.callback(events.append, "callback ran")
    events.append("body with " + ",".join(r.name for r in rs))
print(events)

events = []
try:
    with ExitStack() as stack:
        stack.enter_context(Resource("p", events))
        stack.push(lambda *exc: events.append("push saw %s" % (exc[0].__name__,)))
        raise IndexError("oops")
except IndexError as e:
    events.append("propagated " + str(e))
print(events)

events = []
with ExitStack() as stack:
    stack.push(lambda *exc: True)
    raise KeyError("swallowed by stack")
print("after swallow")


def failing_cb():
    raise RuntimeError("cb failed")


try:
    with ExitStack() as stack:
        stack.callback(failing_cb)
        raise ValueError("original")
except RuntimeError as e:
    print("RuntimeError:", e, "context:", repr(e.__context__))

events = []
with ExitStack() as stack:
    stack.enter_context(Resource("kept", events))
    moved = stack.pop_all()
events.append("stack closed")
moved.close()
print(events)

events = []
with closing(Resource("c", events)) as r:
    events.append("using " + r.name)
print(events)
with nullcontext(5) as v:
    print("nullcontext", v)
with nullcontext() as v:
    print("nullcontext", v)

buf = io.StringIO()
with redirect_stdout(buf):
    print("captured line")
print("buffer:", repr(buf.getvalue()))


class mycontext(ContextDecorator):
    def __enter__(self):
        print("starting")
        return self

    def __exit__(self, *exc):
        print("finishing")
        return False


@mycontext()
def work():
    print("working")


work()


class Simple(AbstractContextManager):
    def __exit__(self, *a):
        return None


with Simple() as s:
    print(type(s).__name__)
try:
    ExitStack().enter_context(object())
except TypeError as e:
    print("TypeError:", e)
