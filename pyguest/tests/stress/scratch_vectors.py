# GC stress regression: constants, scratch vectors longer than the inline 16, split/join/format.
x = str(5) + "a"
print(x, ("k" + str(1), 2.5, (3, "t")), -7 ** 2)
words = [str(i) * 2 for i in range(30)]
print(sorted((w + "!" for w in words), key=lambda s: s[::-1])[:20])
print(tuple(str(i) for i in range(20)))
print("|".join(str(i * i) for i in range(25)))
text = "\n".join("line %d %s" % (i, "ab" * (i % 3)) for i in range(20))
print(text.splitlines()[-3:], len(text.split()), text.upper().split("\n")[5])
print(("%s-%s-%r" % (str(1), str(2.5), "q" + "r")), [str(j) for j in range(3)] * 7)
