"""A small module for doctest.

>>> add(2, 3)
5
"""


def add(a, b):
    """Add two values.

    >>> add(1, 1)
    2
    >>> add('a', 'b')
    'ab'
    >>> print(add(1.5, 1))
    2.5
    """
    return a + b


def wrong(n):
    """Doubles n, though the first example expects a square.

    >>> wrong(3)
    9
    >>> [wrong(i) for i in range(3)]
    [0, 2, 4]
    >>> wrong(None)
    Traceback (most recent call last):
        ...
    TypeError: unsupported operand type(s) for *: 'NoneType' and 'int'
    """
    return n * 2


class Counter:
    """A class whose method has an example.

    >>> c = Counter()
    >>> c.bump(); c.bump()
    1
    2
    """

    def __init__(self):
        self.n = 0

    def bump(self):
        self.n += 1
        return self.n
