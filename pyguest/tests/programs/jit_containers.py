# Containers and strings in hot loops (the JIT's fast paths for `in` on sets and dicts,
# dict subscripts, set.add/remove/discard, dict.get, list.pop(i)/insert, str methods),
# with the cases the fast paths must leave to the general path: user-class keys with
# __eq__/__hash__, str subclasses, missing keys, mutation during lookup, big ints, floats
# and bools equal to ints.


class Key:
    """Equal to the int it wraps (and hashes like it)."""

    calls = 0

    def __init__(self, v):
        self.v = v

    def __hash__(self):
        return hash(self.v)

    def __eq__(self, other):
        Key.calls += 1
        if isinstance(other, Key):
            return self.v == other.v
        return self.v == other


class S(str):
    def __eq__(self, other):
        return str.__eq__(self.lower(), other.lower() if isinstance(other, str) else other)

    def __hash__(self):
        return hash(self.lower())


class Mutator:
    """Its __eq__ clears the dict it is a key of."""

    def __init__(self, d):
        self.d = d

    def __hash__(self):
        return 7

    def __eq__(self, other):
        self.d.clear()
        return False


def sets_loop(n):
    s = set()
    hits = 0
    for i in range(n):
        k = i % 13
        if k in s:
            s.remove(k)
            hits += 1
        else:
            s.add(k)
        s.discard(k + 100)
        if k not in s:
            hits += 2
    return hits, sorted(s)


def sets_mixed(n):
    s = {1.0, True, 2 ** 70, "a"}
    out = []
    for i in range(n):
        out.append((1 in s, 0 in s, 2 ** 70 in s, (2 ** 70 + i % 2) in s, "a" in s, "b" in s))
        if i == n // 2:
            s.add(Key(5))
        out.append(5 in s)
    try:
        s.remove(99)
    except KeyError as e:
        out.append(repr(e))
    fs = frozenset([1, 2, 3])
    out.append(sum(1 for i in range(n) if i % 5 in fs))
    return out[:8], out[-6:], len(out)


def dict_loop(n):
    d = {}
    for i in range(n):
        w = "w" + str(i % 17)
        if w in d:
            d[w] += 1
        else:
            d[w] = 1
        d[i % 5] = d.get(i % 5, 0) + i
    return sorted(d.items(), key=str)


def dict_edges(n):
    d = {1: "one", "x": "ex", 2 ** 64: "big"}
    out = []
    for i in range(n):
        out.append(d.get(1.0))
        out.append(d.get(True, "no"))
        out.append(d.get(2 ** 64, "?"))
        out.append(d.get("y", i % 3))
        out.append(d[1])
        try:
            d[i % 3 + 10]
        except KeyError as e:
            out.append(repr(e))
        if i == n // 2:
            d[Key(1)] = "key-one"
            d[S("X")] = "big-x"
    out.append(sorted(map(repr, d.values())))
    d2 = {1.0: "float-one", Key(3): "k3", -1: "minus-one", 2 ** 61: "big-small"}
    for i in range(n):
        out.append((d2.get(1), d2.get(True), d2[3], d2.get(-2), d2[-1], 2 ** 61 in d2, 1 in d2))
    out.append(sorted(map(repr, d2.values())))
    dd = {S("ab"): 1}
    out.append(["AB" in dd, "ab" in dd, dd.get("Ab"), dd.get("ba", 0)])
    m = {}
    m[Mutator(m)] = 1
    for i in range(30):
        try:
            m[7]
        except KeyError:
            pass
        if 7 in m:
            out.append("mutated?")
        m[Mutator(m)] = i
    out.append(len(m))
    return out[:12], out[-14:], len(out), Key.calls > 0


def lists_loop(n):
    perm = list(range(10))
    t = 0
    for i in range(n):
        perm.insert(i % 7 + 1, perm.pop(0))
        perm.insert(-3, perm.pop(-1))
        perm.insert(100, perm.pop(i % 10 - 10))
        perm.insert(-100, perm.pop())
        t += perm[0] * 3 + perm[-1]
    out = [t, perm]
    for bad in (20, -11):
        try:
            perm.pop(bad)
        except IndexError as e:
            out.append(repr(e))
    perm.insert(True, "t")
    out.append(perm[:3])
    return out


def strings_loop(n):
    text = "Alpha beta. GAMMA delta,  epsilon\tzeta\n" * 3
    total = 0
    seen = {}
    for i in range(n):
        for raw in text.split():
            w = raw.strip(".,").lower()
            seen[w] = seen.get(w, 0) + 1
            key = w + "|" + raw
            key += "."
            total += len(key) + len(S("q") + w) + len(w + S("r"))
            total += len(w.upper()) + w.find("a") + w.count("a")
        parts = text.split("\n")
        total += len(" ".join(parts)) + len("-".join(("a", "b")))
        total += text.startswith("Al") + text.endswith("x") + len(text.replace("a", "AA"))
        total += "12".isdigit() + "ab".isalpha() + " ".isspace() + len(" x ".rstrip()) + len(" x ".lstrip())
        total += len("a,b,,c".rsplit(",", 1))
    out = [total, sorted(seen.items())]
    s = S("HeLLo")
    out.append([s.lower(), s.split("L"), "+".join([s, "x"])])
    for bad in (lambda: "".split(""), lambda: "-".join([1, 2])):
        try:
            bad()
        except (TypeError, ValueError) as e:
            out.append(type(e).__name__ + ": " + str(e))
    try:
        "ab".find(1)
    except TypeError as e:
        out.append(type(e).__name__)
    return out


def tuples_loop(n):
    acc = []
    for i in range(n):
        t = (i, i + 1)
        l = [i, -i]
        acc.append(t[1] - l[1])
    return sum(acc), acc[:5]


def slices_loop(n):
    perm = list(range(9))
    t = 0
    for i in range(n):
        first = i % 9
        p = perm[:]
        p[:first + 1] = p[first::-1]
        p[first:] = (7, 8)
        p[1:3] = [i]
        t += p[0] + len(p) + len(perm[::2]) + len(perm[-3:]) + len("abcdef"[1:i % 5])
        t += sum((4, 5, 6)[i % 2:])
        perm.insert(i % 5, perm.pop(0))
    out = [t, perm, p]
    q = list(range(6))
    for bad in (lambda: q[::0], lambda: q.__setitem__(slice(None, None, 2), [1])):
        try:
            bad()
        except ValueError as e:
            out.append(str(e))
    q[1:4] = iter([9, 9])
    q[6:] = [5]
    out.append(q)
    out.append(q[-70:70])
    return out


print(sets_loop(3000))
print(sets_mixed(2000))
print(dict_loop(3000))
print(dict_edges(2000))
print(lists_loop(3000))
print(strings_loop(400))
print(tuples_loop(3000))
print(slices_loop(3000))
