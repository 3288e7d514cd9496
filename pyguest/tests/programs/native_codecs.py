# _codecs: the registry and the primitives, without CPython's codecs.py.
import _codecs

print(_codecs.utf_8_encode("aé€"), _codecs.utf_8_decode(b"a\xc3\xa9"))
print(_codecs.utf_8_decode(b"a\xe2\x82", "strict", False), _codecs.utf_8_decode(b"a\xffb", "replace", True))
print(_codecs.utf_8_decode(b"a\xffb", "ignore", True), _codecs.utf_8_decode(b"a\xffb", "backslashreplace", True))
print(_codecs.ascii_encode("ab"), _codecs.ascii_encode("a€", "replace"), _codecs.ascii_encode("a€", "xmlcharrefreplace"))
print(_codecs.latin_1_encode("aé"), _codecs.latin_1_encode("a€", "backslashreplace"), _codecs.latin_1_decode(b"\xe9"))
text = "aé€\U0001f600"
for name in ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"]:
    enc = getattr(_codecs, name + "_encode")(text)
    dec = getattr(_codecs, name + "_decode")(enc[0], "strict", True)
    print(name, enc, dec)
print(_codecs.utf_16_ex_decode(b"\xfe\xff\x00a", "strict", 0, True))
print(_codecs.utf_16_le_decode(b"a\x00b", "strict", False))
table = "".join(chr(i) for i in range(128)) + "€" + "\ufffe" * 127
print(_codecs.charmap_decode(b"a\x80", "strict", table), _codecs.charmap_decode(b"\x81", "replace", table))
emap = _codecs.charmap_build(table)
print(_codecs.charmap_encode("a€", "strict", emap), _codecs.charmap_encode("aé", "replace", emap))
print(_codecs.escape_decode(b"a\\x41\\n\\101\\q"), _codecs.escape_encode(b"a'\x00\n\\"))
print(_codecs.unicode_escape_encode("aé\n€\U0001f600"), _codecs.unicode_escape_decode(b"a\\xe9\\u20ac\\n"))
print(_codecs.raw_unicode_escape_encode("aé€"), _codecs.raw_unicode_escape_decode(b"a\\u20ac\\n"))
for call in [lambda: _codecs.utf_8_decode(b"a\xffb", "strict", True),
             lambda: _codecs.utf_8_decode(b"\xe2\x82", "strict", True),
             lambda: _codecs.ascii_decode(b"ab\xc3"),
             lambda: _codecs.utf_16_le_decode(b"\x00\xd8", "strict", True),
             lambda: _codecs.charmap_decode(b"\x81", "strict", table),
             lambda: _codecs.latin_1_encode("x€€y"),
             lambda: _codecs.ascii_encode("é")]:
    try:
        call()
    except UnicodeError as e:
        print(type(e).__name__ + ":", e, (e.start, e.end, e.reason))
try:
    _codecs.lookup_error("nope")
except LookupError as e:
    print("LookupError:", e)
print(_codecs.lookup_error("replace")(UnicodeEncodeError("ascii", "a€€", 1, 3, "x")))

def search(name):
    if name == "shout":
        return (lambda s, errors="strict": (s.upper().encode(), len(s)),
                lambda b, errors="strict": (bytes(b).decode().lower(), len(b)), None, None)
    return None

_codecs.register(search)
print(_codecs.encode("hi", "shout"), _codecs.decode(b"HI", "SHOUT"))
try:
    _codecs.lookup("no-such-codec")
except LookupError as e:
    print("LookupError:", e)
