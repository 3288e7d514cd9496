# json through the native encoder/decoder: options, hooks, errors with positions
import json
from collections import OrderedDict, namedtuple
from enum import IntEnum
class Color(IntEnum):
    RED = 1
P = namedtuple("P", "x y")
data = {"b": [1, 2.5, None, True, False, "x\u00e9\U0001F600\n\t\"\\", {"z": []}], "a": {}, 3: "int key", 1.5: "fk", None: 0, True: 1,
        "big": 10**30, "neg": -0.0, "t": (1, 2), "od": OrderedDict([("q", 1)]), "enum": Color.RED, "p": P(1, 2), "e": 1e300, "s": 1e-7}
for kw in ({}, {"indent": 2}, {"indent": "\t"}, {"sort_keys": False, "ensure_ascii": False}, {"separators": (",", ":")}, {"indent": 0}):
    print(json.dumps(data, **kw))
print(json.dumps({"b": 1, "a": [1, {"d": 2, "c": 3}]}, sort_keys=True, indent=3))
for bad in (float("nan"), float("inf")):
    print(json.dumps([bad]))
    try: json.dumps([bad], allow_nan=False)
    except ValueError as e: print("ValueError", e)
l = []; l.append(l)
try: json.dumps(l)
except ValueError as e: print("ValueError", e)
try: json.dumps({(1, 2): 3})
except TypeError as e: print("TypeError", e)
print(json.dumps({(1, 2): 3, "k": 1}, skipkeys=True))
try: json.dumps({"a": object()})
except TypeError as e: print("TypeError", e)
print(json.dumps({"a": {1, 2}}, default=sorted))
try: json.dumps({1: 1, "a": 2}, sort_keys=True)
except TypeError as e: print("TypeError", e)
s = json.dumps(data)
print(json.loads(s))
print(json.loads('[1, 2.0, -3e2, 1E+2, 0.5e-1, 123456789012345678901234567890, "\\u00e9\\ud83d\\ude00\\n", null, true, false, NaN, -Infinity, {"a": {"b": []}}]'))
print(json.loads('{"a": 1, "a": 2, "b": 3}'), json.loads(' "x" '), json.loads('1.5', parse_float=str), json.loads('7', parse_int=float))
print(json.loads('{"a": [1, {"b": 2}]}', object_hook=lambda d: sorted(d.items())))
print(json.loads('{"a": 1, "b": 2}', object_pairs_hook=lambda p: p))
print(json.loads('[NaN]', parse_constant=lambda c: "const:" + c))
for bad in ('', '[', '[1,]', '{"a" 1}', '{"a": 1,}', '{a: 1}', '[1 2]', '"abc', '"a\\x"', '"\\u12g4"', '"a\nb"', '12 34', '\n\n  [1,\n  x]', 'tru', '-', '[-]', '{"a":', '"\u00e9\u00e9', '\u00e9', '[1, 2', '{"x": "\u00e9", "y" 2}'):
    try:
        json.loads(bad)
    except json.JSONDecodeError as e:
        print(repr(bad), "->", e, "|", e.msg, e.pos, e.lineno, e.colno)
print(json.loads('"a\nb"', strict=False))
print(json.JSONDecoder().raw_decode('  [1] tail'[2:]), json.JSONDecoder().raw_decode('xx[1, 2] tail', 2))
import io
f = io.StringIO(); json.dump({"a": [1, 2]}, f, indent=1); print(f.getvalue())
print(json.load(io.StringIO('{"k": [true]}')))
class E(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, complex): return [o.real, o.imag]
        return super().default(o)
print(json.dumps([1j, 2], cls=E), E(indent=1).encode({"c": 3+4j}))
print(json.loads(b'{"b": 1}'), json.dumps("\u2028 \x00 \x1f"), json.dumps("é", ensure_ascii=False))
