# A regex-driven text-processing toolkit: access-log analysis, a tokenizer and evaluator for
# a small expression language, an INI-style config reader, and a Markdown-to-HTML converter
# for inline markup. Output compared with CPython 3.11.
import re
from collections import Counter, defaultdict

LOG = """\
192.168.1.10 - - [21/Nov/2026:10:15:32 +0000] "GET /index.html HTTP/1.1" 200 5120 0.012
10.0.0.7 - alice [21/Nov/2026:10:15:40 +0000] "POST /api/login HTTP/1.1" 302 0 0.230
192.168.1.10 - - [21/Nov/2026:10:16:01 +0000] "GET /static/app.js HTTP/1.1" 200 48213 0.031
172.16.4.2 - - [21/Nov/2026:10:16:15 +0000] "GET /api/items?page=2&size=50 HTTP/1.1" 200 1893 0.145
10.0.0.7 - alice [21/Nov/2026:10:17:02 +0000] "DELETE /api/items/17 HTTP/1.1" 403 112 0.004
garbage line that does not match
172.16.4.2 - - [21/Nov/2026:10:18:44 +0000] "GET /missing HTTP/1.1" 404 209 0.002
192.168.1.11 - bob [21/Nov/2026:11:02:09 +0000] "PUT /api/items/18 HTTP/2.0" 201 77 0.310
192.168.1.11 - bob [21/Nov/2026:11:02:10 +0000] "GET /api/items/18 HTTP/2.0" 500 0 1.502
"""

LINE = re.compile(r"""
    (?P<ip>\d{1,3}(?:\.\d{1,3}){3}) \s+ - \s+ (?P<user>\S+) \s+
    \[(?P<day>\d{2})/(?P<mon>\w{3})/(?P<year>\d{4}):(?P<time>[\d:]+) \s (?P<tz>[+-]\d{4})\] \s+
    "(?P<method>[A-Z]+) \s (?P<path>[^\s?"]+)(?:\?(?P<query>[^\s"]*))? \s HTTP/(?P<ver>[\d.]+)" \s+
    (?P<status>\d{3}) \s+ (?P<size>\d+) \s+ (?P<secs>\d+\.\d+)$
""", re.VERBOSE)


def analyze_log(text):
    by_status = Counter()
    by_user = defaultdict(list)
    slow = []
    bad = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        m = LINE.match(line)
        if not m:
            bad += 1
            print("  unparsed line %d: %r" % (lineno, line[:30]))
            continue
        d = m.groupdict()
        by_status[d["status"][0] + "xx"] += 1
        user = d["user"] if d["user"] != "-" else "(anon)"
        by_user[user].append(d["path"])
        if float(d["secs"]) > 0.2:
            slow.append((d["method"], d["path"], d["secs"]))
        if d["query"]:
            params = dict(re.findall(r"(\w+)=([^&]*)", d["query"]))
            print("  query on", d["path"], "->", params)
    print("status classes:", sorted(by_status.items()))
    for user in sorted(by_user):
        print("  %-7s %s" % (user, ", ".join(by_user[user])))
    print("slow requests:", slow)
    print("unparsed:", bad)
    ids = re.findall(r"/api/items/(\d+)", text)
    print("item ids:", ids, "sum", sum(map(int, ids)))
    hours = Counter(re.findall(r":(\d\d):\d\d:\d\d ", text))
    print("requests per hour:", sorted(hours.items()))
    masked = re.sub(r"\b(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}\b", r"\1.\2.x.x", text.splitlines()[0])
    print("masked:", masked)


TOKEN = re.compile(r"""
    (?P<NUMBER>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
  | (?P<NAME>[A-Za-z_]\w*)
  | (?P<OP>\*\*|[-+*/%(),=])
  | (?P<WS>[ \t]+)
  | (?P<ERROR>.)
""", re.VERBOSE)


def tokenize(src):
    for m in TOKEN.finditer(src):
        kind = m.lastgroup
        if kind == "WS":
            continue
        if kind == "ERROR":
            raise SyntaxError("unexpected %r at column %d" % (m.group(), m.start()))
        yield kind, m.group()


class Evaluator:
    def __init__(self):
        self.vars = {"pi": 3.14159}

    def run(self, line):
        toks = list(tokenize(line))
        self.toks, self.i = toks, 0
        if len(toks) > 2 and toks[0][0] == "NAME" and toks[1] == ("OP", "="):
            self.i = 2
            v = self.expr()
            self.vars[toks[0][1]] = v
            return "%s = %s" % (toks[0][1], v)
        return self.expr()

    def peek(self):
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def expr(self):
        v = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            v = v + self.term() if op == "+" else v - self.term()
        return v

    def term(self):
        v = self.power()
        while self.peek() in ("*", "/", "%"):
            op = self.take()[1]
            r = self.power()
            v = v * r if op == "*" else (v / r if op == "/" else v % r)
        return v

    def power(self):
        v = self.atom()
        if self.peek() == "**":
            self.take()
            return v ** self.power()
        return v

    def atom(self):
        kind, text = self.take()
        if kind == "NUMBER":
            return float(text) if re.search(r"[.eE]", text) else int(text)
        if kind == "NAME":
            if self.peek() == "(":
                self.take()
                args = [self.expr()]
                while self.peek() == ",":
                    self.take()
                    args.append(self.expr())
                self.take()
                return {"max": max, "min": min, "abs": abs}[text](*args)
            return self.vars[text]
        if text == "-":
            return -self.atom()
        if text == "(":
            v = self.expr()
            self.take()
            return v
        raise SyntaxError("unexpected " + text)


CONFIG = """
; global settings
[server]
host = example.org   ; trailing comment
port=8080
paths = /a, /b ,/c

[client "main"]
retries = 3
timeout = 2.5s
"""


def read_config(text):
    section_re = re.compile(r'^\[(\w+)(?:\s+"([^"]*)")?\]$')
    kv_re = re.compile(r"^(\w+)\s*=\s*(.*?)\s*(?:;.*)?$")
    conf = {}
    cur = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or re.match(r"[;#]", line):
            continue
        m = section_re.match(line)
        if m:
            cur = m.group(1) + ("." + m.group(2) if m.group(2) else "")
            conf[cur] = {}
            continue
        m = kv_re.match(line)
        if m:
            key, val = m.groups()
            if "," in val:
                val = re.split(r"\s*,\s*", val)
            elif re.fullmatch(r"\d+", val):
                val = int(val)
            else:
                d = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)", val)
                if d:
                    val = float(d.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[d.group(2)]
            conf[cur][key] = val
    return conf


def markdown_inline(text):
    text = re.sub(r"&", "&amp;", text)
    text = re.sub(r"<", "&lt;", text)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"<i>\1</i>", text)
    text = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r'<a href="\2">\1</a>', text)
    text = re.sub(r"(?m)^(#{1,6})\s+(.*)$", lambda m: "<h%d>%s</h%d>" % (len(m.group(1)), m.group(2), len(m.group(1))), text)
    return text


def slugify(title):
    s = title.lower()
    s = re.sub(r"[^\w\s-]", "", s)
    s = re.sub(r"[\s_-]+", "-", s).strip("-")
    return s


def wordfreq(text):
    words = re.findall(r"[a-z']+", text.lower())
    return Counter(w.strip("'") for w in words if len(w) > 3).most_common(4)


print("== log")
analyze_log(LOG)
print("== calculator")
ev = Evaluator()
for line in ["1 + 2 * 3", "x = 2 ** 3 ** 2", "x / 4 - -1", "max(1, x % 7, 3) * pi",
             "r = 1.5e2 + abs(-2)", "(r - 2) / (1 + 1)", "3 $ 4"]:
    try:
        print("  %-24s => %r" % (line, ev.run(line)))
    except SyntaxError as e:
        print("  %-24s => error: %s" % (line, e))
print("== config")
for sec, vals in read_config(CONFIG).items():
    print(" ", sec, vals)
print("== markdown")
doc = "# Title & *intro*\nUse `a<b` and **bold** or *it* here, see [docs](http://x.org/d).\n## Next"
print(markdown_inline(doc))
for t in ["Hello, World!", "  Regex -- the Good_Parts ", "C'est déjà l'été"]:
    print("  slug:", repr(slugify(t)))
print("== words")
print(wordfreq("The quick brown fox jumps over the lazy dog. The dog's quick reply: "
               "quick quick! Jumps over dogs, over and over."))
dates = "Deadlines: 2026-11-21, 2025-01-05 and 1999-12-31; not 2026-13-01."
print(re.sub(r"\b(\d{4})-(0[1-9]|1[0-2])-(\d{2})\b", r"\3/\2/\1", dates))
emails = "Contact: ann.lee@example.com, bob@mail.example.org; bad@, @bad.com, x_y+z@a-b.co"
print(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", emails))
camel = ["parseHTTPResponse", "getX", "simpleCase", "already_snake"]
print([re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", c).lower() for c in camel])
