# Floor division and modulo by powers of two (the JIT's int_and / shift fast path) against
# other divisors, over negative, zero, positive and near-63-bit values, in a hot loop too.
vals = [-9, -8, -7, -1, 0, 1, 7, 8, 9, 2**62 - 1, -2**62, 2**61 + 3]
for x in vals:
    for d in (1, 2, 4, 8, 1024, 2**61, 3, 6):
        print(x, d, x % d, x // d, divmod(x, d))
t = 0
for i in range(-3000, 3000):
    t += i % 4 + i // 8 + (i * 7) % 16 - (i // 2)
print(t)
