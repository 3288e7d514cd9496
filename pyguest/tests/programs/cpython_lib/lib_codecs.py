# CPython's codecs.py and encodings package over pyguest's _codecs; str.encode/bytes.decode
# reach them for codecs pyguest's str does not know itself.
import codecs, io

print(codecs.lookup("UTF-8").name, codecs.lookup("latin1").name, codecs.lookup("cp1252").name)
for enc in ["utf-8", "utf-16", "utf-16-le", "utf-32", "utf-32-be", "latin-1", "ascii",
            "cp1252", "iso8859-15", "cp437", "mac-roman", "unicode_escape", "raw_unicode_escape"]:
    text = "ab" if enc == "ascii" else "aé€\n\U0001f600" if "utf" in enc or "escape" in enc else "aé"
    b = codecs.encode(text, enc)
    print(enc, b, codecs.decode(b, enc) == text, text.encode(enc) == b, b.decode(enc) == text)
print(codecs.encode("a€", "ascii", "replace"), codecs.encode("a€", "latin-1", "backslashreplace"))
for bad, enc in [(b"a\xffb", "utf-8"), (b"\x81", "cp1252"), (b"\x00\xd8", "utf-16-le")]:
    try:
        codecs.decode(bad, enc)
    except UnicodeDecodeError as e:
        print("UnicodeDecodeError:", e, e.start, e.end)
try:
    "x".encode("rot13")
except LookupError as e:
    print("LookupError:", e)
print(codecs.encode("hello", "rot13"))
dec = codecs.getincrementaldecoder("utf-8")()
print([dec.decode(bytes([b])) for b in "é€".encode()])
print(codecs.getreader("utf-16")(io.BytesIO("héllo".encode("utf-16"))).read())
def mark(e):
    return ("<%d-%d>" % (e.start, e.end), e.end)
codecs.register_error("mark", mark)
print(codecs.lookup_error("mark") is mark, codecs.BOM_UTF8, codecs.lookup_error("strict") is codecs.strict_errors)
