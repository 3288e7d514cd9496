# Lone surrogates (U+D800..U+DFFF) in str: literals, chr/ord, the core operations, the
# methods, codecs with every error handler, os.fsencode/fsdecode, print, json.
# Expected output from CPython 3.11.
import json
import os
import sys


def show(label, f):
    try:
        r = f()
    except Exception as e:
        print(label, "->", type(e).__name__ + ":", e)
    else:
        print(label, "->", ascii(r))


# literals and chr/ord
a = '\ud800'
b = '\udc80'
pair = '\ud83d\ude00'
show("literal", lambda: a)
show("literal U", lambda: '\U0000dfff')
show("pair stays two", lambda: (len(pair), [hex(ord(c)) for c in pair]))
show("pair != emoji", lambda: pair == '\U0001f600')
show("mixed literal", lambda: 'x\ud800y\u00e9z\U0001f600')
show("implicit concat", lambda: 'a' '\udc80' "b")
show("raw literal", lambda: r'\ud800')
show("escaped backslash", lambda: '\\ud800')
show("fffd literal", lambda: ('\ufffd\ud800', len('\ufffd\ud800')))
show("chr", lambda: chr(0xD800))
show("chr all", lambda: [chr(n) for n in (0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000)])
show("ord", lambda: [ord(chr(n)) for n in (0xD7FF, 0xD800, 0xDABC, 0xDBFF, 0xDC00, 0xDFFF, 0xE000)] == [0xD7FF, 0xD800, 0xDABC, 0xDBFF, 0xDC00, 0xDFFF, 0xE000])
show("ord long", lambda: ord('\ud800x'))
show("type", lambda: (type(a).__name__, isinstance(a, str), type(a) is str))

# core operations
s = 'ab\ud800cd\udc80é'
show("len", lambda: len(s))
show("index", lambda: [s[i] for i in range(-len(s), len(s))])
show("index error", lambda: s[20])
show("slices", lambda: (s[1:4], s[::2], s[::-1], s[2:3], s[3:], s[:2]))
show("iter", lambda: list(s))
show("iter types", lambda: [type(c).__name__ for c in s])
show("add", lambda: (a + b, a + 'x', 'x' + a, '' + a))
show("mul", lambda: (a * 3, 2 * b, a * 0, a * -1))
show("eq", lambda: (a == '\ud800', a == chr(0xd800), a != b, a == 'x', a == '\ufffd'))
show("order", lambda: (a < b, b < a, a < '\ue000', '\ud7ff' < a, 'z' < a, a < '\U00010000'))
show("sorted", lambda: sorted(['\ue000', b, 'a', a, '\U00010000', '\ud7ff']))
show("min max", lambda: (min(a, b), max(a, 'z')))
show("hash eq", lambda: hash(a) == hash(chr(0xd800)) and hash(s) == hash(s[:] + ''))
show("dict key", lambda: {a: 1, b: 2, 'x': 3}[chr(0xd800)])
show("dict keys", lambda: sorted({a: 1, b: 2, a + b: 3}))
show("set", lambda: sorted({a, chr(0xd800), b, 'x'}))
show("in", lambda: (a in s, b in s, 'cd' in s, '\ud801' in s, a + 'c' in s, '' in a))
show("bool", lambda: (bool(a), not a))
show("repr", lambda: repr(s))
show("repr quotes", lambda: (repr("'" + a), repr("'\"" + a)))
show("ascii", lambda: ascii(s))
show("str", lambda: (str(a) is a, str(a) == a))
show("format", lambda: (format(a), format(a, '>4'), format(a, '^5'), '{}|{:<3}|'.format(a, b)))
show("fstring", lambda: f'<{a}>{b!s}{a!r}{b!a}{a:*>3}')
show("percent", lambda: ('%s-%s' % (a, 'x'), '%r' % a, a + '%s' % b, ('%s' + a) % 'q'))
show("str of list", lambda: str([a, b]))

# methods
show("join", lambda: (a.join(['x', 'y']), '-'.join([a, b, 'c']), ''.join(c for c in [a, b])))
show("split", lambda: (s.split(a), ('x' + a + 'y' + a).split(a), (a + ' ' + b).split(), s.split('c')))
show("rsplit", lambda: (a + ',' + b + ',c').rsplit(',', 1))
show("partition", lambda: (s.partition(a), s.rpartition(b), s.partition('z')))
show("replace", lambda: (s.replace(a, 'X'), s.replace('c', a), s.replace(a, b), 'xx'.replace('x', a, 1)))
show("find", lambda: (s.find(a), s.find(b), s.find('c'), s.rfind(a), s.find(a, 3), s.index(b)))
show("index missing", lambda: s.index('\ud801'))
show("count", lambda: ((a * 3 + 'x').count(a), s.count('c'), s.count('')))
show("startswith", lambda: (s.startswith('ab'), s.startswith(('q', 'ab\ud800')), a.startswith(a),
                           s.endswith('\udc80é'), s.endswith(b, 0, 6), 'abc'.startswith(a)))
show("strip", lambda: ((' ' + a + ' ').strip(), (a + 'x' + a).strip(a), (b + 'y').lstrip(b)))
show("case", lambda: (s.upper(), s.lower(), s.title(), s.capitalize(), s.swapcase(), s.casefold()))
show("pad", lambda: (a.center(5, '*'), a.ljust(3), a.rjust(3, b), a.zfill(3)))
show("predicates", lambda: [(m, getattr(a, m)()) for m in
                            ('isprintable', 'isalpha', 'isalnum', 'isdigit', 'isdecimal',
                             'isnumeric', 'isspace', 'isupper', 'islower', 'istitle',
                             'isidentifier', 'isascii')])
show("isprintable mixed", lambda: ('abc' + a).isprintable())
show("splitlines", lambda: (a + '\n' + b + '\r\nx').splitlines(True))
show("expandtabs", lambda: (a + '\tx').expandtabs(4))
show("removeprefix", lambda: (s.removeprefix('ab' + a), s.removesuffix(b + 'é')))
show("str.format", lambda: '{0}{1}{0}'.format(a, 'x'))
show("format_map", lambda: '{k}!'.format_map({'k': b}))
show("encode default", lambda: a.encode())
show("str.__len__", lambda: (a.__len__(), s.__getitem__(2), s.__contains__(a)))
show("translate", lambda: (s.translate({0xd800: 'X', ord('a'): None}), 'abc'.translate({98: a}),
                           'abc'.translate({98: 0xdc80}), (a + 'q').translate(str.maketrans('q', 'r'))))
show("str subclass methods", lambda: (lambda S: (S(a).upper(), S(s).find(b), S(a).encode('utf-8', 'surrogatepass'),
                                                 S(a) + 'x', len(S(s))))(type('S', (str,), {})))
show("percent dict", lambda: '%(k)s!' % {'k': a})
show("dunders", lambda: (a.__hash__() == hash(a), list(a.__iter__()), a.__repr__(), s.__mul__(2)))
show("int", lambda: int(a))
show("float", lambda: float('1' + a))
show("sys.intern", lambda: sys.intern(a) == a)
show("method on plain with arg", lambda: ('abc'.find(a), 'a\ud800'.find(a), 'xyz'.count(a)))

# encoding
for errors in ('strict', 'surrogatepass', 'surrogateescape', 'backslashreplace', 'replace',
               'ignore', 'xmlcharrefreplace'):
    for enc in ('utf-8', 'ascii', 'latin-1', 'utf-16-le', 'utf-16-be', 'utf-32-le', 'utf-16', 'utf-32'):
        show("encode %s %s" % (enc, errors), lambda: ('x\ud800\udc80y').encode(enc, errors))


def catch(f):
    try:
        f()
    except Exception as e:
        return e


e = catch(lambda: ('ab' + a + b + 'c').encode())
print("encode error", type(e).__name__, e.encoding, ascii(e.object), e.start, e.end, e.reason)
print("encode error str", str(e))

# decoding
raw = b'ok\xff\xfe\x80\xed\xa0\x80\xed\xb2\x80end'
for errors in ('surrogateescape', 'surrogatepass', 'replace', 'backslashreplace', 'ignore', 'strict'):
    show("decode utf-8 " + errors, lambda: raw.decode('utf-8', errors))
show("decode ascii escape", lambda: b'a\x80\xff'.decode('ascii', 'surrogateescape'))
show("roundtrip escape", lambda: raw.decode('utf-8', 'surrogateescape').encode('utf-8', 'surrogateescape') == raw)
show("roundtrip pass", lambda: '\ud800\udfff'.encode('utf-8', 'surrogatepass').decode('utf-8', 'surrogatepass'))
show("escape of non-escapable", lambda: '\ud800'.encode('utf-8', 'surrogateescape'))
show("utf-16 pass", lambda: b'\x00\xd8a\x00'.decode('utf-16-le', 'surrogatepass'))
show("utf-16 strict", lambda: b'\x00\xd8a\x00'.decode('utf-16-le'))
show("utf-16 low alone", lambda: b'\x00\xdc'.decode('utf-16-le', 'surrogatepass'))
show("utf-32 pass", lambda: b'\x00\xd8\x00\x00'.decode('utf-32-le', 'surrogatepass'))
show("utf-32 strict", lambda: b'\x00\xd8\x00\x00'.decode('utf-32-le'))
show("utf-16 pair roundtrip", lambda: '\ud83d\ude00'.encode('utf-16-le', 'surrogatepass').decode('utf-16-le'))
show("unicode_escape", lambda: (a.encode('unicode_escape'), b'\\udc80'.decode('unicode_escape')))
show("str() of bytes", lambda: str(b'\xff', 'utf-8', 'surrogateescape'))

# os.fsencode / fsdecode
name = b'file-\xff\xfe-\xc3\xa9.txt'
d = os.fsdecode(name)
show("fsdecode", lambda: d)
show("fsencode", lambda: os.fsencode(d))
show("fs roundtrip", lambda: os.fsencode(os.fsdecode(name)) == name)
show("fsencode plain", lambda: os.fsencode('plain-é'))

# json
show("json.dumps", lambda: json.dumps(a))
show("json.dumps list", lambda: json.dumps([a, s, {b: a}]))
show("json.dumps no ascii", lambda: json.dumps(a + 'é', ensure_ascii=False))
show("json.loads", lambda: json.loads('"\\ud800"'))
show("json.loads pair", lambda: json.loads('"\\ud83d\\ude00"'))
show("json.loads low", lambda: json.loads('["\\udc80x", {"\\udfff": 1}]'))
show("json roundtrip", lambda: json.loads(json.dumps(s)) == s)

# print: CPython's stdout encodes with strict
sys.stdout.flush()
show("print", lambda: print(a))
show("print later arg", lambda: print('before', a, 'after'))
show("stdout.write", lambda: sys.stdout.write('x' + a))
print()


class W:
    def __init__(self):
        self.parts = []

    def write(self, t):
        self.parts.append(t)


w = W()
print('p', a, 'q', sep='|', end='!', file=w)
show("print to file", lambda: ''.join(w.parts))
show("str subclass", lambda: type('S', (str,), {})(a) == a)
print("done")
