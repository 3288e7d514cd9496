"""Regex-heavy loop (issue 5, `re`): log-line parsing with named groups, findall, sub, split and
search over 2000 synthetic access-log lines. Deterministic output on stdout (identical under
CPython and pyguest), per-phase timings on stderr. Run side by side:
    /usr/bin/time -f "%U s" python3 benches/programs/regex_bench.py
    /usr/bin/time -f "%U s" target/release/pyguest benches/programs/regex_bench.py
"""
import re, time
LINE = re.compile(r'(?P<ip>\d+\.\d+\.\d+\.\d+) - (?P<user>\S+) \[(?P<ts>[^\]]+)\] "(?P<m>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<st>\d{3}) (?P<sz>\d+)')
lines = ['10.0.%d.%d - user%d [21/Nov/2026:10:%02d:00 +0000] "GET /api/items/%d?x=1 HTTP/1.1" %d %d'
         % (i % 250, i % 7, i % 13, i % 60, i, 200 + (i % 3) * 100, i * 7) for i in range(2000)]
text = "\n".join(lines)
t0 = time.time()
total = 0
status = {}
for rep in range(40):
    for ln in lines:
        m = LINE.match(ln)
        if m:
            st = m.group('st')
            status[st] = status.get(st, 0) + 1
            total += int(m.group('sz'))
t1 = time.time()
words = 0
for rep in range(40):
    words += len(re.findall(r'\w+', text))
    words += len(re.findall(r'\d+', text))
t2 = time.time()
out = 0
for rep in range(20):
    out += len(re.sub(r'(\d+)\.(\d+)\.\d+\.\d+', r'\1.\2.x.x', text))
    out += len(re.split(r'\s+', text))
t3 = time.time()
hits = 0
for rep in range(20):
    for ln in lines:
        if re.search(r'items/\d+7\b', ln):
            hits += 1
t4 = time.time()
print(total, sorted(status.items()), words, out, hits)
import sys
print("match+group %.3f findall %.3f sub+split %.3f search %.3f total %.3f" % (t1-t0, t2-t1, t3-t2, t4-t3, t4-t0), file=sys.stderr)
