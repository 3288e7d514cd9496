# __del__ and abandoned generators: pyguest finalizes unreachable objects at a full
# collection (no reference counting), so every check calls gc.collect() first.
import gc
import weakref

log = []


class Tracked:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("__del__", self.name)


# del of an instance, then a collection
t = Tracked("one")
del t
gc.collect()
print("after one")

# a weak reference is dead once the collection returns
t = Tracked("weak")
r = weakref.ref(t)
del t
gc.collect()
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
gc.collect()
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
gc.collect()
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
gc.collect()
print("after catcher")

# an unstarted or finished generator has nothing to run
g = numbers(3)
del g
g = numbers(1)
print(list(g))
del g
gc.collect()
print("nothing pending")


# resurrection: __del__ runs once even if the object is saved and dropped again
saved = []


class Phoenix:
    def __del__(self):
        print("Phoenix __del__")
        saved.append(self)


p = Phoenix()
del p
gc.collect()
print("saved", len(saved))
saved.clear()
gc.collect()
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
gc.collect()
print(sorted(log))
log.clear()


# __del__ inherited from a base class, and added to a class after it was created
class Child(Tracked):
    pass


c = Child("child")
del c
gc.collect()


class Late:
    pass


Late.__del__ = lambda self: print("late __del__")
x = Late()
del x
gc.collect()

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
gc.collect()


# a coroutine suspended in try/finally
class Suspend:
    def __await__(self):
        yield "suspended"


async def job():
    try:
        await Suspend()
    finally:
        print("job finally")


co = job()
print(co.send(None))
del co
gc.collect()
print("after coroutine")

# objects still alive at exit are finalized at exit, after this line
keep = Tracked("at exit")
print("end of script")
