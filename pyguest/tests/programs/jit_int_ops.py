# Small-int operators in hot loops, in-place and binary, at the edges where the traced fast
# path must hand over to the general one: shifts by 0..70 (results past 63 bits become big
# ints), negative shift counts (ValueError), floor division and modulo by negative divisors,
# and in-place operators on ints that turn into big ints or floats mid-loop.


def shifts():
    acc = 0
    for i in range(3000):
        k = i % 71
        x = (i * 7919) - 500
        acc ^= (x << k) & 0xFFFFFFFFFFFFFFFFFFFF
        acc += x >> (k % 65)
        y = x
        y <<= k % 9
        y >>= k % 5
        acc += y
    return acc


def negative_shift():
    caught = 0
    for i in range(2000):
        try:
            _ = 1 << (i % 3 - 1)
        except ValueError as e:
            caught += 1
            msg = str(e)
        try:
            _ = 1 >> (i % 3 - 1)
        except ValueError:
            caught += 1
    return caught, msg


def inplace_all():
    a = 7
    b = 12345
    out = []
    for i in range(1, 3000):
        a *= 3
        a //= 2
        a %= 10**30 + 7
        b //= -3 if i % 4 == 0 else 3
        b = b or 98765
        b %= -7 if i % 5 == 0 else 1000003
        c = i
        c ^= a & 0xFFFF
        c |= 1
        c &= 0x7FF
        if i % 500 == 0:
            out.append((a, b, c))
    return out


def inplace_to_float():
    t = 0
    for i in range(2000):
        t += 1
        if i == 1500:
            t /= 4
        t -= 1
    return t


print(shifts())
print(negative_shift())
for row in inplace_all():
    print(row)
print(inplace_to_float())
