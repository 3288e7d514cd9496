# __del__ and abandoned generators: pyguest finalizes unreachable objects at a full
# collection (no reference counting), so every check calls gc.collect() first.
import gc
import weakref

log = []


# pyguest's collector scans native stacks conservatively: a stale word (a spill slot, the last
# exception of the interpreter loop) can keep a dead object for one more collection. Each
# collection here first raises and catches an exception and collects from several depths.
def collect_here():
    gc.collect()


def collect_deeper():
    collect_here()


def collect(deeper=False):
    try:
        raise ValueError
    except ValueError:
        pass
    gc.collect()
    if deeper:
        collect_deeper()
    else:
        collect_here()


class Tracked:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("__del__", self.name)


# del of an instance, then a collection
t = Tracked("one")
del t
collect()
collect(True)
print("after one")

# a weak reference is dead once the collection returns
t = Tracked("weak")
r = weakref.ref(t)
del t
collect()
collect(True)
print("weak ref dead:", r() is None)


# a generator abandoned after break runs its finally
def numbers(n):
    try:
        for i in range(n):
            yield i
    finally:
        print("numbers finally")


for x in numbers(10):
    if x == 2:
        break
collect()
collect(True)
print("after break")


# a with-block inside a generator exits
class Ctx:
    def __enter__(self):
        print("enter")
        return self

    def __exit__(self, *exc):
        print("exit", exc[0].__name__ if exc[0] else None)
        return False


def guarded():
    with Ctx():
        yield "a"
        yield "b"


g = guarded()
print(next(g))
del g
collect()
collect(True)
print("after with")


# a generator catching GeneratorExit sees it
def catcher():
    try:
        yield 1
    except GeneratorExit:
        print("caught GeneratorExit")
        raise


g = catcher()
next(g)
g = None
collect()
collect(True)
print("after catcher")

# an unstarted or finished generator has nothing to run
g = numbers(3)
del g
g = numbers(1)
print(list(g))
del g
collect()
collect(True)
print("nothing pending")


# resurrection: __del__ runs once even if the object is saved and dropped again
saved = []


class Phoenix:
    def __del__(self):
        print("Phoenix __del__")
        saved.append(self)


p = Phoenix()
del p
collect()
collect(True)
print("saved", len(saved))
saved.clear()
collect()
collect(True)
print("dropped again, no second __del__")


# a cycle of objects with __del__: both are finalized (order sorted: it is unspecified)
class Node:
    def __init__(self, name):
        self.name = name
        self.other = None

    def __del__(self):
        log.append(self.name + " (other " + self.other.name + ")")


a = Node("a")
b = Node("b")
a.other = b
b.other = a
del a, b
collect()
collect(True)
print(sorted(log))
log.clear()


# __del__ inherited from a base class, and added to a class after it was created
class Child(Tracked):
    pass


c = Child("child")
del c
collect()
collect(True)


class Late:
    pass


Late.__del__ = lambda self: print("late __del__")
x = Late()
del x
collect()
collect(True)

# explicit close() semantics are unchanged
g = numbers(5)
print(next(g), next(g))
g.close()
print("closed, next gives", next(g, "exhausted"))
g.close()


def ignorer():
    try:
        yield 1
    except GeneratorExit:
        pass
    yield 2


g = ignorer()
next(g)
try:
    g.close()
except RuntimeError as e:
    print("RuntimeError:", e)
del g
collect()
collect(True)


# a coroutine suspended in try/finally
class Suspend:
    def __await__(self):
        yield "suspended"


async def job():
    try:
        await Suspend()
    finally:
        log.append("job finally")


def start_job():
    co = job()
    print(co.send(None))


start_job()
# (under `--jit threshold=1` a stale word may keep the coroutine for a few more collections)
for _ in range(5):
    collect(True)
    if log:
        break
print(log)
log.clear()
print("after coroutine")

# objects still alive at exit are finalized at exit, after this line
keep = Tracked("at exit")
print("end of script")
