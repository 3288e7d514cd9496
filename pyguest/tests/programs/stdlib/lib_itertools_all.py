# itertools: every function of 3.11, with edge cases.
import itertools as it
import operator

print(list(it.islice(it.count(5, 3), 4)), list(it.islice(it.count(1.5, 0.5), 3)))
print(list(it.islice(it.cycle("ab"), 5)), list(it.repeat("x", 3)), list(zip(range(3), it.repeat(7))))
print(list(it.accumulate([1, 2, 3, 4])), list(it.accumulate([3, 1, 4], max)), list(it.accumulate([1, 2], initial=10)))
print(list(it.accumulate([2, 3, 4], operator.mul)), list(it.accumulate([])))
print(list(it.chain("ab", [1, 2])), list(it.chain.from_iterable(["xy", "z"])))
print(list(it.compress("abcdef", [1, 0, 1, 0, 1, 1])))
print(list(it.dropwhile(lambda x: x < 3, [1, 2, 3, 1])), list(it.takewhile(lambda x: x < 3, [1, 2, 3, 1])))
print(list(it.filterfalse(lambda x: x % 2, range(8))), list(it.filterfalse(None, [0, 1, "", "a"])))
print([(k, list(g)) for k, g in it.groupby("aaabbcaa")])
print([(k, list(g)) for k, g in it.groupby([1, 3, 2, 4, 5], key=lambda x: x % 2)])
print(list(it.islice("abcdefg", 2, None, 2)), list(it.islice(range(10), 3)), list(it.islice(range(10), 1, 8, 3)))
print(list(it.pairwise("abcd")), list(it.pairwise([1])))
print(list(it.starmap(pow, [(2, 3), (3, 2)])))
a, b = it.tee(iter([1, 2, 3]))
print(list(a), list(b), len(it.tee("ab", 3)))
print(list(it.zip_longest("ab", [1, 2, 3], fillvalue="-")), list(it.zip_longest()))
print(list(it.product("ab", repeat=2)), list(it.product([1, 2], "x")), list(it.product()))
print(list(it.permutations("abc", 2)), len(list(it.permutations(range(4)))))
print(list(it.combinations("abcd", 2)), list(it.combinations(range(3), 5)))
print(list(it.combinations_with_replacement("ab", 3)))
try:
    it.islice(range(3), -1)
except ValueError as e:
    print("ValueError", e)
try:
    list(it.repeat(1, -1)), next(it.count()), it.chain(1)
except TypeError as e:
    print("TypeError", e)
g = it.groupby(sorted(["apple", "avocado", "banana", "blueberry", "cherry"]), key=lambda s: s[0])
print({k: len(list(v)) for k, v in g})
print(sum(1 for _ in it.product(range(10), repeat=3)))
