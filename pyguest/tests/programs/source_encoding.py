# Source decoding as PEP 263 (issue 15): a coding cookie on line 1 or 2 (Latin-1 spellings,
# other codecs), a UTF-8 BOM, strict UTF-8 otherwise; undecodable bytes, unknown codecs, a BOM
# with another cookie and NUL bytes are SyntaxErrors. Swept through compile() of bytes, exec()
# and import of generated modules. Expected output from CPython 3.11.
import os
import sys
import tempfile

CASES = [
    ("utf8", "x = 'é€'\n".encode()),
    ("latin1", b"# -*- coding: latin-1 -*-\nx = '\xe9'\n"),
    ("iso-8859-1 line 2", b"#!/usr/bin/env python\n# coding=iso-8859-1\nx = '\xe9\xff'\n"),
    ("latin_1 vim", b"# vim: set fileencoding=latin_1 :\nx = '\xe9'\n"),
    ("iso8859-15", b"# coding: iso8859-15\nx = '\xa4'\n"),
    ("cp1252", b"# coding: cp1252\nx = '\x80\x99'\n"),
    ("utf-8 cookie", "# coding: utf-8\nx = 'ü'\n".encode()),
    ("utf8 spelled", "# coding: UTF8\nx = 'ü'\n".encode()),
    ("bom", b"\xef\xbb\xbfx = '\xc3\xbc'\n"),
    ("bom utf-8 cookie", b"\xef\xbb\xbf# coding: utf-8\nx = 1\n"),
    ("cookie line 3 ignored", b"x = 1\n\n# coding: latin-1\nx = '\xc3\xa9'\n"),
    ("cookie after code ignored", b"x = 1  # coding: latin-1\nx = 'ok'\n"),
    ("bad utf-8", b"x = '\xff'\n"),
    ("bad utf-8 line 3", b"x = 1\ny = 2\nz = '\xc3'\n"),
    ("unknown codec", b"# coding: foobar\nx = 1\n"),
    ("bom latin-1", b"\xef\xbb\xbf# coding: latin-1\nx = 1\n"),
    ("nul", b"x = 1\n\x00\n"),
]

tmp = tempfile.mkdtemp()
sys.path.insert(0, tmp)
for i, (name, src) in enumerate(CASES):
    for how in ["compile", "exec", "import"]:
        try:
            if how == "compile":
                ns = {}
                exec(compile(src, "f.py", "exec"), ns)
            elif how == "exec":
                ns = {}
                exec(src, ns)
            else:
                mod = f"srcenc_{i}"
                with open(os.path.join(tmp, mod + ".py"), "wb") as f:
                    f.write(src)
                ns = vars(__import__(mod))
            print(name, how, ascii(ns["x"]))
        except SyntaxError as e:
            msg = str(e.msg)
            # (the path in CPython's message depends on the directory)
            msg = msg.replace(tmp + os.sep, "")
            print(name, how, "SyntaxError", msg.split(" (")[0] if how != "import" else msg)
        except (ValueError, LookupError) as e:
            print(name, how, type(e).__name__, e)
