# Differential test of the re engine: random patterns (from a seeded generator) searched,
# found, substituted and split on small subjects; the expected output came from CPython 3.11,
# so any difference in matching semantics or error reporting shows up here.
import random
import re

SETS = [
    (12345, ['a', 'b', 'c', '.', r'\d', r'\w', r'\s', r'\b', '[ab]', '[^a]', '[a-c]', '^', '$',
             'x', ' ', '1', r'\B', r'\W', '(?:ab)', 'é', r'\1'],
     ['', 'a', 'ab', 'abc', 'aab bb', 'a1 b2', 'xx yy', 'abcabc', 'a\nb', 'éa b', 'ba ab  c1']),
    (777, ['a', 'A', 'b', 'é', 'É', '[a-zé]', '[^ b]', r'\1', r'(?P=n)', '.', r'\d', r'\S', '$',
           '(?i:a)', '(?-i:b)', r'\w', r'\Z', r'\A', '[[:a]', r'[\w\-]', '(a|b)', '(?P<n>a+)',
           '(?(1)a|b)'],
     ['', 'aA', 'abAB', 'ééÉ a', 'AbaB  b', 'aa-bb', 'ba\nab\n', 'a1a1', 'bbbb']),
]
QUANTS = ['*', '+', '?', '*?', '+?', '??', '{2}', '{1,3}', '{,2}?', '{2,}', '*+', '{1,2}+']
KINDS = ['(', '(?:', '(?=', '(?!', '(?<=', '(?<!', '(?P<n%d>', '(?>']


def gen(rnd, atoms, d=0):
    out = []
    for _ in range(rnd.randint(1, 4)):
        if rnd.random() < 0.15 and d < 3:
            kind = rnd.choice(KINDS)
            if '%d' in kind:
                kind = kind % rnd.randint(0, 999)
            inner = gen(rnd, atoms, d + 1)
            if kind.startswith('(?<'):
                inner = rnd.choice(['a', 'ab', '[ab]', r'\w', 'a|b', 'a+'])
            if rnd.random() < 0.3:
                inner += '|' + gen(rnd, atoms, d + 1)
            out.append(kind + inner + ')')
        else:
            out.append(rnd.choice(atoms))
        if rnd.random() < 0.35:
            out.append(rnd.choice(QUANTS))
    return ''.join(out)


for seed, atoms, subjects in SETS:
    rnd = random.Random(seed)
    for i in range(500):
        p = gen(rnd, atoms)
        flags = rnd.choice([0, 0, re.I, re.M, re.S])
        try:
            c = re.compile(p, flags)
        except re.error as e:
            print(i, repr(p), 'E', e.msg, e.pos)
            continue
        res = []
        for s in subjects:
            m = c.search(s)
            res.append(None if m is None else (m.span(), m.groups()))
            res.append(c.findall(s))
            res.append(c.sub(r'<\g<0>|\1>' if c.groups else r'[\g<0>]', s))
            res.append(c.split(s))
        print(i, repr(p), int(flags), res)
