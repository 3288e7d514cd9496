# pickle (CPython's pure-Python pickle.py) of instances of user classes at every protocol:
# object.__reduce_ex__ through copyreg, __dict__ state, __getstate__/__setstate__,
# __getnewargs__/__getnewargs_ex__, list and dict subclasses, nested and shared objects,
# a class's own __reduce__, and copy.copy/deepcopy over the same protocol.
import pickle, copy, copyreg


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __eq__(self, other):
        return type(other) is Point and (self.x, self.y) == (other.x, other.y)

    def __repr__(self):
        return "Point(%r, %r)" % (self.x, self.y)


class Secret:
    def __init__(self):
        self.items = [1, {"k": (2, 3)}]
        self.token = "hidden"

    def __getstate__(self):
        state = dict(self.__dict__)
        del state["token"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.token = "restored"


class Pair(tuple):
    def __new__(cls, a, b):
        return tuple.__new__(cls, (a, b))

    def __getnewargs__(self):
        return (self[0], self[1])


class Kw:
    def __new__(cls, *, name):
        self = object.__new__(cls)
        self.name = name
        return self

    def __getnewargs_ex__(self):
        return ((), {"name": self.name})


class Bag(list):
    pass


class Registry(dict):
    pass


class Empty:
    pass


class Custom:
    def __init__(self, n):
        self.n = n

    def __reduce__(self):
        return (Custom, (self.n * 10,))


# protocol 0 is left out: its text ints need int(bytes, 0), which pyguest lacks
for proto in range(1, pickle.HIGHEST_PROTOCOL + 1):
    p = Point(1, [Point(2, None), {"a": Point(3, "z")}])
    q = pickle.loads(pickle.dumps(p, proto))
    print(proto, q == p, type(q).__name__, q.y[1]["a"], q.y[0].y)
    s = pickle.loads(pickle.dumps(Secret(), proto))
    print(" ", s.items, s.token)
    e = pickle.loads(pickle.dumps(Empty(), proto))
    print(" ", type(e).__name__, e.__dict__)
    c = pickle.loads(pickle.dumps(Custom(4), proto))
    print(" ", c.n)
    if proto >= 2:
        pr = pickle.loads(pickle.dumps(Pair(5, "six"), proto))
        print(" ", type(pr).__name__, tuple(pr))
        b = Bag([1, 2, Point(0, 0)])
        b.label = "bag"
        b2 = pickle.loads(pickle.dumps(b, proto))
        print(" ", type(b2).__name__, list(b2), b2.label)
        r = Registry(a=1, b=[2])
        r2 = pickle.loads(pickle.dumps(r, proto))
        print(" ", type(r2).__name__, sorted(r2.items()))
        shared = Point(7, 8)
        both = pickle.loads(pickle.dumps([shared, shared], proto))
        print(" ", both[0] is both[1], both[0])
    if proto >= 4:
        k = pickle.loads(pickle.dumps(Kw(name="kw"), proto))
        print(" ", type(k).__name__, k.name)

red = Point(1, 2).__reduce_ex__(2)
print(red[0] is copyreg.__newobj__, red[1] == (Point,), red[2], red[3], red[4])
print(Custom(2).__reduce_ex__(3))
cycle = Point(None, None)
cycle.x = cycle
c2 = pickle.loads(pickle.dumps(cycle, 2))
print(c2.x is c2)
print(copy.deepcopy(Point(1, [2])), copy.copy(Secret()).token)
