import json

data = {"name": "Widget", "id": 42, "price": 19.99, "tags": ["a", "b"], "ok": True,
        "none": None, "nested": {"x": [1, 2.5, {"y": []}], "z": {}}, "ratio": 1e-7,
        "big": 10 ** 20, "neg": -0.0, "float_int": 3.0, "uni": "caf\u00e9 \u2603 \U0001f600",
        "ctl": "tab\there\nnl \"q\" back\\slash \x01 \x7f"}
print(json.dumps(data))
print(json.dumps(data, ensure_ascii=False))
print(json.dumps(data, indent=2, sort_keys=True))
print(json.dumps(data, indent="\t"))
print(json.dumps([1, [2, [3, []]], {}], indent=0))
print(json.dumps(data, separators=(",", ":"), sort_keys=True))
print(json.dumps({3: "int", 1.5: "float", True: "t", None: "n", "s": 1}))
print(json.dumps((1, 2)), json.dumps("plain"), json.dumps(5), json.dumps(None))
print(json.dumps([float("nan"), float("inf"), -float("inf")]))
print(json.dumps({"b": 1, "a": 2}, sort_keys=True, indent=4))
print(json.dumps({(1, 2): 3}, skipkeys=True))
print(json.dumps([1.1, 2.675, 1 / 3, 1e16, 1e22, 123456789.0, 0.1 + 0.2]))


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


def enc(o):
    if isinstance(o, Point):
        return {"x": o.x, "y": o.y}
    if isinstance(o, set):
        return sorted(o)
    raise TypeError("nope")


print(json.dumps({"p": Point(1, 2), "s": {3, 1, 2}}, default=enc))


class MyEnc(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, complex):
            return [o.real, o.imag]
        return super().default(o)


print(json.dumps([1j, 2 + 3j], cls=MyEnc))
print(MyEnc(indent=1).encode({"k": [1]}))

text = json.dumps(data, indent=3)
back = json.loads(text)
print(back == data, back["uni"], back["big"], type(back["float_int"]).__name__)
print(json.loads('  {"a": [1, 2, {"b": null}], "c": "\\u00e9\\ud83d\\ude00\\n", "d": -1.5e3, "e": 0} '))
print(json.loads("[NaN, Infinity, -Infinity, 1E2, 1e-2, -0, 10]"))
print(json.loads(b'{"bytes": true}'), json.loads(bytearray(b"[1]")))
print(json.loads('{"a": 1, "a": 2}'))
print(json.loads('{"x": 1, "y": 2}', object_pairs_hook=lambda pairs: pairs))
print(json.loads('{"x": 1}', object_hook=lambda d: sorted(d.items())))
print(json.loads('[1.5, 2]', parse_float=lambda s: "F" + s, parse_int=lambda s: int(s) * 10))
print(json.JSONDecoder().raw_decode('[1, 2] trailing'))

bad = ['', '[1,]', '{"a" 1}', '{"a":1 "b":2}', '[1 2]', '{1:2}', '"abc', '1 2', '{"a":}',
       '[', '{', '{"a":1,}', 'tru', '"bad \\x escape"', '"\\u12"', '"ctl \x01"', '-', '01',
       '\n\n  [1,\n  oops]', '{"a": [1, 2}', '\ufeff[]', '[1] [2]']
for b in bad:
    try:
        json.loads(b)
        print("no error for", repr(b))
    except json.JSONDecodeError as e:
        print(repr(b), "->", e, "|", e.msg, e.pos, e.lineno, e.colno)

for obj in [{"p": Point(0, 0)}, {(1, 2): 3}, [float("nan")]]:
    try:
        json.dumps(obj, allow_nan=False)
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
loop = []
loop.append(loop)
try:
    json.dumps(loop)
except ValueError as e:
    print("ValueError", e)
print(isinstance(json.JSONDecodeError("m", "d", 0), ValueError))
