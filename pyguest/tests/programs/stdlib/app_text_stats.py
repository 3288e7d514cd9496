"""Text statistics: textwrap + collections.Counter + statistics + json + string."""
import json
import statistics
import string
import textwrap
from collections import Counter, defaultdict

TEXT = """
It was the best of times, it was the worst of times, it was the age of wisdom, it was the
age of foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the
season of Light, it was the season of Darkness, it was the spring of hope, it was the winter
of despair, we had everything before us, we had nothing before us, we were all going direct
to Heaven, we were all going direct the other way - in short, the period was so far like the
present period, that some of its noisiest authorities insisted on its being received, for
good or for evil, in the superlative degree of comparison only.
"""

words = [w.strip(string.punctuation).lower() for w in TEXT.split()]
words = [w for w in words if w]
counts = Counter(words)
print(len(words), "words,", len(counts), "distinct")
print(counts.most_common(6))
lengths = [len(w) for w in words]
print("length mean %.3f median %s mode %s pstdev %.3f" % (statistics.mean(lengths), statistics.median(lengths),
                                                           statistics.mode(lengths), statistics.pstdev(lengths)))
by_initial = defaultdict(set)
for w in words:
    by_initial[w[0]].add(w)
print({k: sorted(v) for k, v in sorted(by_initial.items()) if len(v) > 3})
para = " ".join(TEXT.split())
for width in (40, 72):
    print(textwrap.fill(para, width=width, initial_indent="    ", subsequent_indent="  "))
    print()
print(textwrap.shorten(para, 60))
sentences = [s.strip() for s in para.replace(" - ", ", ").split(",") if s.strip()]
summary = {"sentences": len(sentences), "longest": max(sentences, key=len),
           "vowels": sum(c in "aeiou" for c in para.lower()),
           "letters": dict(sorted(Counter(c for c in para.lower() if c.isalpha()).most_common(5)))}
print(json.dumps(summary, indent=1))
table = [(w, c, "%.1f%%" % (100 * c / len(words))) for w, c in counts.most_common(8)]
width = max(len(w) for w, _, _ in table)
for w, c, pct in table:
    print(w.ljust(width), str(c).rjust(3), pct.rjust(6))
print(string.capwords("the superlative degree"), string.Template("$who was $what").substitute(who="it", what="the age"))
