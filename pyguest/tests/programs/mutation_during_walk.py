# Dunders that mutate the container being walked: the walk re-checks the container after each
# call back into Python and gives CPython's result or error, never a crash.

def t(name, f):
    try:
        print(name, repr(f()))
    except Exception as e:
        print(name, type(e).__name__, e)

class ClearOnEq:
    """Equal to nothing; comparing it empties `target` first."""
    def __init__(self, target, result=False):
        self.target = target
        self.result = result
    def __eq__(self, other):
        self.target.clear()
        return self.result
    def __hash__(self):
        return 7
    def __repr__(self):
        return 'C'

# ---- lists: count / remove / index / in / == while __eq__ empties the list
for res in (False, True):
    l = [1, 2, 3]
    t("count %s" % res, lambda: [l.append(0) or 0][0] + l.count(ClearOnEq(l, res)))
    l = [1, 2, 3]
    t("remove %s" % res, lambda: (l.remove(ClearOnEq(l, res)), l))
    l = [1, 2, 3]
    t("index %s" % res, lambda: l.index(ClearOnEq(l, res)))
    l = [1, 2, 3]
    t("in %s" % res, lambda: (ClearOnEq(l, res) in l, l))
    l = [ClearOnEq(None), 5]
    l[0].target = l
    t("eq %s" % res, lambda: (l == [1, 2], l))
    l = [1, 2, 3]
    t("tuple.count %s" % res, lambda: tuple(l).count(ClearOnEq(l, res)))

class Shrink:
    """Comparing it removes the list's last item."""
    def __init__(self, target):
        self.target = target
    def __eq__(self, other):
        if self.target:
            self.target.pop()
        return False
l = list(range(10))
t("shrinking count", lambda: (l.count(Shrink(l)), l))
l = list(range(10))
t("shrinking in", lambda: (Shrink(l) in l, l))

class Grow:
    """Comparing it appends to the list (a bounded number of times)."""
    def __init__(self, target):
        self.target = target
        self.n = 0
    def __eq__(self, other):
        if self.n < 5:
            self.n += 1
            self.target.append(other)
        return False
l = [1, 2]
t("growing count", lambda: (l.count(Grow(l)), l))

# ---- sort: a key or a comparison that mutates the list
l = [3, 1, 2]
t("sort key appends", lambda: l.sort(key=lambda x: l.append(x) or x))
print(" after", l)
l = [3, 1, 2]
t("sort key clears", lambda: l.sort(key=lambda x: l.clear() or x))
print(" after", l)
l = [3, 1, 2]
seen = []
t("sort key reads", lambda: l.sort(key=lambda x: seen.append(len(l)) or x))
print(" after", l, seen)
class Lt:
    def __init__(self, v, target):
        self.v, self.target = v, target
    def __lt__(self, other):
        self.target.append(0)
        return self.v < other.v
    def __repr__(self):
        return 'Lt(%d)' % self.v
l = []
l.extend([Lt(2, l), Lt(1, l)])
t("sort __lt__ appends", lambda: l.sort())
print(" after", l)
l = [3, 1, 2]
t("sorted key mutates its source", lambda: sorted(l, key=lambda x: l.append(x) if len(l) < 6 else x))

# ---- repr: an element's __repr__ changes the list being printed
class ClearOnRepr:
    def __init__(self, target):
        self.target = target
    def __repr__(self):
        self.target.clear()
        return 'R'
l = [1]
l.extend([ClearOnRepr(l), 2, 3])
t("repr clears", lambda: repr(l))
l = [1]
l.extend([ClearOnRepr(l), 2, 3])
t("str clears", lambda: str(l))
d = {}
d[1] = ClearOnRepr(d)
d[2] = 'x'
t("dict repr clears", lambda: repr(d))
class AppendOnRepr:
    def __init__(self, target):
        self.target = target
    def __repr__(self):
        if len(self.target) < 6:
            self.target.append(len(self.target))
        return 'A'
l = []
l.append(AppendOnRepr(l))
t("repr appends", lambda: repr(l))

# ---- dicts: lookups whose key __eq__ empties or resizes the dict
class K:
    def __init__(self, name, action=None):
        self.name, self.action = name, action
    def __hash__(self):
        return 1
    def __eq__(self, other):
        if self.action:
            action, self.action = self.action, None
            action()
        return self is other
    def __repr__(self):
        return self.name

def armed(container, action_of):
    """`container` holding one key K('a') whose __eq__ (the stored key is compared first)
    runs `action_of(container)`."""
    k = K('a')
    if isinstance(container, dict):
        container[k] = 1
    else:
        container.add(k)
    k.action = lambda: action_of(container)
    return container

clear = lambda c: c.clear()
def fill(c):
    for i in range(100):
        if isinstance(c, dict):
            c[i] = i
        else:
            c.add(i)
d = armed({}, clear)
t("dict in, cleared", lambda: (K('b') in d, d))
d = armed({}, clear)
t("dict get, cleared", lambda: (d.get(K('b'), 'dflt'), d))
d = armed({}, clear)
t("dict getitem, cleared", lambda: d[K('b')])
d = armed({}, clear)
t("dict setitem, cleared", lambda: (d.__setitem__(K('b'), 2), d))
d = armed({}, fill)
t("dict in, resized", lambda: (K('b') in d, len(d)))
d = armed({}, fill)
t("dict setitem, resized", lambda: (d.__setitem__(K('b'), 2), len(d)))
d = armed({}, clear)
t("dict pop, cleared", lambda: d.pop(K('b'), 'none'))
d = armed({}, clear)
t("dict setdefault, cleared", lambda: (d.setdefault(K('b'), 5), d))
d = armed({}, clear)
t("dict del, cleared", lambda: d.__delitem__(K('b')))
d = armed({}, clear)
t("dict update, cleared", lambda: (d.update({K('b'): 3}), d))

# ---- sets
s = armed(set(), clear)
t("set in, cleared", lambda: (K('b') in s, s))
s = armed(set(), clear)
t("set add, cleared", lambda: (s.add(K('b')), s))
s = armed(set(), clear)
t("set discard, cleared", lambda: (s.discard(K('b')), s))
s = armed(set(), fill)
t("set in, resized", lambda: (K('b') in s, len(s)))
s = armed(set(), fill)
t("set add, resized", lambda: (s.add(K('b')), len(s)))
s = armed(set(), clear)
t("set remove, cleared", lambda: s.remove(K('b')))
s = armed(set(), clear)
t("set & set, cleared", lambda: (s & {K('b')}, s))
s = armed(set(), clear)
t("frozenset(set), cleared", lambda: frozenset([K('b'), K('c')]) <= s)

# ---- dict and set equality with a mutating __eq__
a = {1: K('x')}
b = {1: K('y', a.clear)}
t("dict == dict, cleared", lambda: (a == b, a))

# ---- walks over one container that look keys up in another
def pair(action_of_src):
    """dst holds K('a'); src holds K('b') and ints; comparing K('a') (in dst) runs the action
    on src, which is being walked."""
    dst = {}
    src = {}
    ka = K('a')
    dst[ka] = 0
    src[K('b')] = 1
    for i in range(2, 6):
        src[i] = i
    ka.action = lambda: action_of_src(src)
    return dst, src
dst, src = pair(clear)
t("dict.update(dict), source cleared", lambda: (dst.update(src), sorted(map(repr, dst))))
dst, src = pair(clear)
t("dict | dict, source cleared", lambda: sorted(map(repr, dst | src)))
dst, src = pair(clear)
t("{**a, **b}, source cleared", lambda: sorted(map(repr, {**dst, **src})))
dst, src = pair(fill)
t("dict.update(dict), source grown", lambda: (dst.update(src), len(dst)))
def spair(action_of_src):
    dst, src = set(), set()
    ka = K('a')
    dst.add(ka)
    src.add(K('b'))
    src.update(range(2, 6))
    ka.action = lambda: action_of_src(src)
    return dst, src
dst, src = spair(clear)
t("set.update(set), source cleared", lambda: (dst.update(src), sorted(map(repr, dst))))
dst, src = spair(clear)
t("set - set, source cleared", lambda: sorted(map(repr, src - dst)))
dst, src = spair(clear)
t("set ^ set, source cleared", lambda: sorted(map(repr, src ^ dst)))
dst, src = spair(clear)
t("set <= set, source cleared", lambda: src <= dst)
dst, src = spair(clear)
t("set == set, source cleared", lambda: src == dst)
dst, src = spair(clear)
t("set.issubset, source cleared", lambda: src.issubset(dst))
dst, src = spair(clear)
t("set.difference_update, source cleared", lambda: (src.difference_update(dst), len(src)))
dst, src = spair(clear)
t("set.intersection_update, source cleared", lambda: (src.intersection_update(dst), len(src)))
dst, src = spair(clear)
t("set.symmetric_difference_update, cleared", lambda: (src.symmetric_difference_update(dst), len(src)))
d1 = {1: ClearOnEq(None), 2: 2}
d2 = {1: 1, 2: 2}
d1[1].target = d1
t("dict == dict, value clears left", lambda: (d1 == d2, d1))

# ---- iteration while the container changes
def loop(f):
    def run():
        n = 0
        for _ in f():
            n += 1
            if n > 20:
                return 'no error after 20 steps'
        return n
    return run
d = {1: 1, 2: 2}
t("dict grows in for", loop(lambda: (d.__setitem__(len(d) + 10, 0) or k for k in d)))
d = {1: 1, 2: 2, 3: 3}
t("dict shrinks in for", loop(lambda: (d.pop(k) and k for k in d)))
d = {'a': 1, 'b': 2}
def same_size():
    for k in d:
        del d[k]
        d[k + k] = 1
        yield k
t("dict keys changed, same size", loop(same_size))
d = {1: 1, 2: 2}
t("dict.items grows", loop(lambda: (d.__setitem__(len(d) + 10, 0) or kv for kv in d.items())))
d = {1: 1, 2: 2}
t("dict.values grows", loop(lambda: (d.__setitem__(len(d) + 10, 0) or v for v in d.values())))
d = {1: 1, 2: 2}
t("dict.keys shrinks", loop(lambda: (d.clear() or k for k in d.keys())))
s = {1, 2}
t("set grows in for", loop(lambda: (s.add(len(s) + 10) or k for k in s)))
s = {1, 2, 3}
t("set shrinks in for", loop(lambda: (s.discard(k) or k for k in s)))
l = [1, 2, 3]
t("list shrinks in for", loop(lambda: (l.pop() for _ in l)))
d = {1: 1}
t("dict pop/add same size ok", loop(lambda: (d.__setitem__(1, 5) or k for k in d)))
print("done")
