# platform (CPython's, from the stdlib fallback) and pickle round trips in every protocol
# protocols 3-5 (CPython's pure-Python pickle: no _pickle in pyguest).
import platform, pickle, sys
# (platform.system()/machine() need os.uname, which pyguest lacks: not checked here)
print(platform.python_version(), platform.python_version_tuple(), platform.architecture()[0])
print("pyguest" in sys.version or sys.implementation.name == "cpython")


class P:
    def __init__(self, x):
        self.x = x

    def __eq__(self, o):
        return type(o) is P and o.x == self.x


# not checked here: protocols 0-2 of bytes (reduce of built-in functions) and class
# instances (object.__reduce_ex__), both missing in pyguest
for proto in range(3, pickle.HIGHEST_PROTOCOL + 1):
    obj = {"a": [1, 2.5, "s", b"b", None, True, (1, 2)], "big": 2**100, "neg": -2**70,
           "set": {1, 2}, "fs": frozenset([3]), "nested": [[{}], ()]}
    s = pickle.dumps(obj, proto)
    back = pickle.loads(s)
    print(proto, back == obj, sorted(back))
shared = [1]
back = pickle.loads(pickle.dumps([shared, shared]))
print(back[0] is back[1])
