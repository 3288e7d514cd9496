import copy


class Node:
    def __init__(self, name, children=None):
        self.name = name
        self.children = children or []

    def __repr__(self):
        return "Node(%r, %r)" % (self.name, self.children)


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a, b):
        self.a, self.b = a, b


class Custom:
    def __init__(self, v):
        self.v = v
        self.log = []

    def __copy__(self):
        c = Custom(self.v)
        c.log = ["copied"]
        return c

    def __deepcopy__(self, memo):
        c = Custom(copy.deepcopy(self.v, memo))
        c.log = ["deep-copied"]
        return c


class Stateful:
    def __init__(self):
        self.x = 1
        self.cache = "big"

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["cache"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.cache = None


class MyList(list):
    pass


class Reduced:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def __reduce__(self):
        return (Reduced, (self.a, self.b))

    def __repr__(self):
        return "Reduced(%r, %r)" % (self.a, self.b)


data = {"nums": [1, 2, [3, 4]], "t": (1, [2]), "s": {1, 2}, "f": frozenset({3}), "n": None, "b": bytearray(b"xy")}
shallow = copy.copy(data)
deep = copy.deepcopy(data)
print(shallow == data, shallow is data, shallow["nums"] is data["nums"], deep["nums"] is data["nums"])
print(deep["nums"][2] is data["nums"][2], deep["t"] is data["t"], deep["f"] is data["f"], deep == data)
t = (1, 2, "x")
print(copy.deepcopy(t) is t, copy.copy(t) is t, copy.copy([1, 2]) == [1, 2])

tree = Node("root", [Node("a"), Node("b", [Node("c")])])
t2 = copy.deepcopy(tree)
t2.children[1].children[0].name = "changed"
print(tree, t2)
t3 = copy.copy(tree)
print(t3.children is tree.children, t3 is tree, type(t3).__name__)

shared = [1, 2]
pair = [shared, shared]
dp = copy.deepcopy(pair)
print(dp[0] is dp[1], dp[0] is shared)
cyc = [1]
cyc.append(cyc)
dc = copy.deepcopy(cyc)
print(dc[1] is dc, dc is not cyc)
d = {"self": None}
d["self"] = d
dd = copy.deepcopy(d)
print(dd["self"] is dd)

s = Slotted(1, [2])
s2 = copy.copy(s)
s3 = copy.deepcopy(s)
print(s2.a, s2.b is s.b, s3.b == s.b, s3.b is s.b)
c = Custom([1])
print(copy.copy(c).log, copy.deepcopy(c).log, copy.deepcopy(c).v is c.v)
st = copy.deepcopy(Stateful())
print(st.x, st.cache)
ml = MyList([1, [2]])
ml.tag = "t"
ml2 = copy.deepcopy(ml)
print(type(ml2).__name__, ml2, ml2.tag, ml2[1] is ml[1])
r = Reduced([1], "b")
r2 = copy.deepcopy(r)
print(r2, r2.a is r.a, copy.copy(r).a is r.a)
memo = {}
x = [1, 2]
y1 = copy.deepcopy(x, memo)
y2 = copy.deepcopy(x, memo)
print(y1 is y2)
print(copy.copy(len) is len, copy.deepcopy(Node) is Node, copy.deepcopy(3.5), copy.deepcopy("s"))
