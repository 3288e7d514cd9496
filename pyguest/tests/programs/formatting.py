# f-strings with specs, %-formatting, str.format, float repr.
x, n, s = 3.14159, 1234567, "hi"
print(f"{x:.2f} {x:10.3e} {n:,} {n:_x} {s!r:>6} {s:*^8} {-x:+.1f} {0.5:%}")
print("%5.1f|%-6s|%03d|%x|%r" % (x, s, 7, 255, s), "%(a)s-%(b)d" % {"a": "k", "b": 9})
print("{} {:>5} {name}".format("a", "b", name="c"), "{1}{0}".format("x", "y"), "{:08.3f}".format(-x))
print(0.1 + 0.2, 1e16, 1e-5, 123456789012345678.0, 2.5e-308, float("inf"), -0.0)
print(repr(1 / 3), round(2.675, 2), round(0.5), round(1.5), 7 // -2, -7 % 3, divmod(-7, 2))
print(2 ** 100, (2 ** 100) % 97, -(2 ** 65) // 3, int("ff", 16), hex(-255), bin(10))
