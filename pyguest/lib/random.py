"""Pseudo-random numbers with CPython's exact Mersenne Twister stream.

pyguest's own implementation, in plain Python. A program that seeds with the same int, str,
bytes or float gets the numbers CPython 3.11 gives: the generator is MT19937 seeded by
`init_by_array` over the seed's 32-bit words (version-2 seeding appends the SHA-512 digest to
str/bytes seeds), and every derived method (randrange, choice, shuffle, sample, choices, gauss,
...) consumes the stream in the same order as CPython's algorithms.

Needs from the interpreter: big ints, `int.from_bytes`/`to_bytes`, `math`. Uses `hashlib.sha512`
when that module exists, else a pure-Python SHA-512 (below). Unseeded generators seed from
`os.urandom` when available, else from `time.time()`.
"""

from math import log as _log, exp as _exp, pi as _pi, e as _e, ceil as _ceil
from math import sqrt as _sqrt, cos as _cos, sin as _sin, floor as _floor
from math import isfinite as _isfinite, acos as _acos

try:
    # pyguest's native generator core (pyguest/src/modules/random.rs); elsewhere the Python one below
    import _mt19937 as _mtn
except ImportError:
    _mtn = None

__all__ = ["Random", "SystemRandom", "seed", "random", "uniform", "randint", "choice",
           "sample", "randrange", "shuffle", "normalvariate", "lognormvariate",
           "expovariate", "vonmisesvariate", "gammavariate", "triangular", "gauss",
           "betavariate", "paretovariate", "weibullvariate", "getstate", "setstate",
           "getrandbits", "choices", "randbytes"]

_NV_MAGIC = 4 * _exp(-0.5) / _sqrt(2.0)
_TWOPI = 2.0 * _pi
_LOG4 = _log(4.0)
_SG_MAGIC = 1.0 + _log(4.5)
_BPF = 53
_RECIP_BPF = 2.0 ** -_BPF

_N = 624
_M = 397
_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF


# ----------------------------------------------------------------------------------------
# SHA-512 (FIPS 180-4), used only for version-2 seeding of str/bytes when hashlib is missing.
# The round constants are derived rather than tabulated: the first 64 bits of the fractional
# parts of the square roots (initial hash) and cube roots (round constants) of the primes.

def _iroot(n, k):
    """Largest integer x with x**k <= n (Newton's method on integers)."""
    if n < 2:
        return n
    x = 1 << ((n.bit_length() + k - 1) // k)
    while True:
        y = ((k - 1) * x + n // x ** (k - 1)) // k
        if y >= x:
            break
        x = y
    while x ** k > n:
        x -= 1
    while (x + 1) ** k <= n:
        x += 1
    return x


_sha_consts = None


def _sha512_consts():
    global _sha_consts
    if _sha_consts is None:
        primes = []
        cand = 2
        while len(primes) < 80:
            if all(cand % p for p in primes if p * p <= cand):
                primes.append(cand)
            cand += 1
        init = [_iroot(p << 128, 2) & _MASK64 for p in primes[:8]]
        rounds = [_iroot(p << 192, 3) & _MASK64 for p in primes]
        _sha_consts = (init, rounds)
    return _sha_consts


def _rotr64(x, n):
    return ((x >> n) | (x << (64 - n))) & _MASK64


def _sha512(data):
    """SHA-512 digest (64 bytes) of a bytes-like object."""
    init, K = _sha512_consts()
    data = bytes(data)
    bitlen = len(data) * 8
    data += b"\x80"
    data += b"\x00" * ((112 - len(data) % 128) % 128)
    data += bitlen.to_bytes(16, "big")
    h = list(init)
    for off in range(0, len(data), 128):
        w = [int.from_bytes(data[off + 8 * i: off + 8 * i + 8], "big") for i in range(16)]
        for i in range(16, 80):
            a = w[i - 15]
            b = w[i - 2]
            s0 = _rotr64(a, 1) ^ _rotr64(a, 8) ^ (a >> 7)
            s1 = _rotr64(b, 19) ^ _rotr64(b, 61) ^ (b >> 6)
            w.append((w[i - 16] + s0 + w[i - 7] + s1) & _MASK64)
        a, b, c, d, e, f, g, hh = h
        for i in range(80):
            S1 = _rotr64(e, 14) ^ _rotr64(e, 18) ^ _rotr64(e, 41)
            ch = (e & f) ^ (~e & g)
            t1 = (hh + S1 + ch + K[i] + w[i]) & _MASK64
            S0 = _rotr64(a, 28) ^ _rotr64(a, 34) ^ _rotr64(a, 39)
            maj = (a & b) ^ (a & c) ^ (b & c)
            t2 = (S0 + maj) & _MASK64
            hh = g
            g = f
            f = e
            e = (d + t1) & _MASK64
            d = c
            c = b
            b = a
            a = (t1 + t2) & _MASK64
        h = [(x + y) & _MASK64 for x, y in zip(h, (a, b, c, d, e, f, g, hh))]
    return b"".join(x.to_bytes(8, "big") for x in h)


def _sha512_digest(data):
    if _mtn is not None:
        return _mtn.sha512(data)
    try:
        import hashlib
        return hashlib.sha512(data).digest()
    except (ImportError, AttributeError):
        return _sha512(data)


def _entropy_seed():
    try:
        import os
        return int.from_bytes(os.urandom(32), "big")
    except (ImportError, AttributeError, NotImplementedError, OSError):
        pass
    try:
        import time
        t = time.time()
        return int(t * 1000003) ^ id(t)
    except (ImportError, AttributeError):
        return id(object())


# ----------------------------------------------------------------------------------------

class Random:
    """A Mersenne Twister generator; module-level functions share one hidden instance."""

    VERSION = 3

    def __init__(self, x=None):
        self._mt = [0] * _N
        self._mti = _N + 1
        self.gauss_next = None
        self.seed(x)

    def __init_subclass__(cls, **kwargs):
        # A subclass that supplies only random() (not getrandbits) draws integers from it.
        super().__init_subclass__(**kwargs)
        for c in cls.__mro__:
            if "_randbelow" in c.__dict__:
                break
            if "getrandbits" in c.__dict__:
                cls._randbelow = cls._randbelow_with_getrandbits
                cls._native_randbelow = False
                break
            if "random" in c.__dict__:
                cls._randbelow = cls._randbelow_without_getrandbits
                cls._native_randbelow = False
                break

    # -- core generator -----------------------------------------------------------------

    def _init_genrand(self, s):
        mt = self._mt
        mt[0] = s & _MASK32
        for i in range(1, _N):
            prev = mt[i - 1]
            mt[i] = (1812433253 * (prev ^ (prev >> 30)) + i) & _MASK32
        self._mti = _N

    def _init_by_array(self, key):
        self._init_genrand(19650218)
        mt = self._mt
        i = 1
        j = 0
        klen = len(key)
        for _ in range(max(_N, klen)):
            prev = mt[i - 1]
            mt[i] = ((mt[i] ^ ((prev ^ (prev >> 30)) * 1664525)) + key[j] + j) & _MASK32
            i += 1
            j += 1
            if i >= _N:
                mt[0] = mt[_N - 1]
                i = 1
            if j >= klen:
                j = 0
        for _ in range(_N - 1):
            prev = mt[i - 1]
            mt[i] = ((mt[i] ^ ((prev ^ (prev >> 30)) * 1566083941)) - i) & _MASK32
            i += 1
            if i >= _N:
                mt[0] = mt[_N - 1]
                i = 1
        mt[0] = 0x80000000

    def _twist(self):
        mt = self._mt
        for kk in range(_N):
            y = (mt[kk] & 0x80000000) | (mt[(kk + 1) % _N] & 0x7FFFFFFF)
            v = mt[(kk + _M) % _N] ^ (y >> 1)
            if y & 1:
                v ^= 0x9908B0DF
            mt[kk] = v
        self._mti = 0

    def _genrand32(self):
        if self._mti >= _N:
            self._twist()
        y = self._mt[self._mti]
        self._mti += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y

    def _seed_int(self, n):
        n = abs(n)
        key = []
        while n:
            key.append(n & _MASK32)
            n >>= 32
        if not key:
            key = [0]
        self._init_by_array(key)

    # -- seeding and state ----------------------------------------------------------------

    def seed(self, a=None, version=2):
        if version == 1 and isinstance(a, (str, bytes)):
            a = a.decode("latin-1") if isinstance(a, bytes) else a
            x = ord(a[0]) << 7 if a else 0
            for ch in map(ord, a):
                x = ((1000003 * x) ^ ch) & _MASK64
            x ^= len(a)
            a = -2 if x == -1 else x
        elif version == 2 and isinstance(a, (str, bytes, bytearray)):
            if isinstance(a, str):
                a = a.encode()
            a = bytes(a)
            a = int.from_bytes(a + _sha512_digest(a), "big")
        elif a is not None and not isinstance(a, (int, float, str, bytes, bytearray)):
            raise TypeError("The only supported seed types are: None,\n"
                            "int, float, str, bytes, and bytearray.")
        if a is None:
            a = _entropy_seed()
        elif not isinstance(a, int):
            a = hash(a)
        self._seed_int(a)
        self.gauss_next = None

    def getstate(self):
        return (self.VERSION, tuple(self._mt) + (self._mti,), self.gauss_next)

    def setstate(self, state):
        version = state[0]
        if version == 3:
            _, internal, self.gauss_next = state
        elif version == 2:
            _, internal, self.gauss_next = state
            internal = tuple(x % (2 ** 32) for x in internal)
        else:
            raise ValueError("state with version %s passed to Random.setstate() of version %s"
                             % (version, self.VERSION))
        if len(internal) != _N + 1:
            raise ValueError("state vector is the wrong size")
        index = internal[-1]
        if index < 0 or index > _N:
            raise ValueError("invalid state")
        self._mt = [int(x) & _MASK32 for x in internal[:-1]]
        self._mti = index

    def __getstate__(self):
        return self.getstate()

    def __setstate__(self, state):
        self.setstate(state)

    def __reduce__(self):
        return self.__class__, (), self.getstate()

    # -- basic draws ----------------------------------------------------------------------

    def random(self):
        """Float in [0.0, 1.0) with 53 random bits."""
        a = self._genrand32() >> 5
        b = self._genrand32() >> 6
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)

    def getrandbits(self, k):
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        if k == 0:
            return 0
        if k <= 32:
            return self._genrand32() >> (32 - k)
        result = 0
        shift = 0
        while k > 0:
            r = self._genrand32()
            if k < 32:
                r >>= 32 - k
            result |= r << shift
            shift += 32
            k -= 32
        return result

    def randbytes(self, n):
        return self.getrandbits(n * 8).to_bytes(n, "little")

    def _randbelow_with_getrandbits(self, n):
        k = n.bit_length()
        r = self.getrandbits(k)
        while r >= n:
            r = self.getrandbits(k)
        return r

    def _randbelow_without_getrandbits(self, n, maxsize=1 << _BPF):
        if n >= maxsize:
            return _floor(self.random() * n)
        if n == 0:
            return 0
        rem = maxsize % n
        limit = (maxsize - rem) / maxsize
        r = self.random()
        while r >= limit:
            r = self.random()
        return _floor(r * maxsize) % n

    _randbelow = _randbelow_with_getrandbits

    if _mtn is not None:
        # The same generator in Rust: state in a bytearray, the draws native.

        _native_randbelow = True

        def __init__(self, x=None):
            self._state = _mtn.state()
            if type(self)._native_randbelow and "_randbelow" not in type(self).__dict__:
                # a builtin bound to the state: choice/shuffle/sample skip a Python frame
                self._randbelow = _mtn.bound_randbelow(self._state)
            self.gauss_next = None
            self.seed(x)

        def _seed_int(self, n):
            _mtn.seed(self._state, n)

        def _genrand32(self):
            return _mtn.getrandbits(self._state, 32)

        def random(self):
            """Float in [0.0, 1.0) with 53 random bits."""
            return _mtn.random(self._state)

        def getrandbits(self, k):
            return _mtn.getrandbits(self._state, k)

        def _randbelow_native(self, n):
            return _mtn.randbelow(self._state, n)

        _randbelow = _randbelow_native

        def randint(self, a, b):
            if type(a) is int and type(b) is int and a <= b and self._native_randbelow:
                return a + self._randbelow(b - a + 1)
            return self.randrange(a, b + 1)

        def getstate(self):
            return (self.VERSION, _mtn.getstate(self._state), self.gauss_next)

        def setstate(self, state):
            version = state[0]
            if version == 3:
                _, internal, self.gauss_next = state
            elif version == 2:
                _, internal, self.gauss_next = state
                internal = tuple(x % (2 ** 32) for x in internal)
            else:
                raise ValueError("state with version %s passed to Random.setstate() of "
                                 "version %s" % (version, self.VERSION))
            if len(internal) != _N + 1:
                raise ValueError("state vector is the wrong size")
            index = internal[-1]
            if index < 0 or index > _N:
                raise ValueError("invalid state")
            _mtn.setstate(self._state, internal)

    # -- integer ranges and sequences -------------------------------------------------------

    def randrange(self, start, stop=None, step=1):
        istart = _as_index(start, "start")
        if stop is None:
            if step != 1:
                raise TypeError("Missing a non-None stop argument")
            if istart > 0:
                return self._randbelow(istart)
            raise ValueError("empty range for randrange()")
        istop = _as_index(stop, "stop")
        width = istop - istart
        istep = _as_index(step, "step")
        if istep == 1:
            if width > 0:
                return istart + self._randbelow(width)
            raise ValueError("empty range for randrange() (%d, %d, %d)" % (istart, istop, width))
        if istep > 0:
            n = (width + istep - 1) // istep
        elif istep < 0:
            n = (width + istep + 1) // istep
        else:
            raise ValueError("zero step for randrange()")
        if n <= 0:
            raise ValueError("empty range for randrange()")
        return istart + istep * self._randbelow(n)

    def randint(self, a, b):
        return self.randrange(a, b + 1)

    def choice(self, seq):
        if not len(seq):
            raise IndexError("Cannot choose from an empty sequence")
        return seq[self._randbelow(len(seq))]

    def shuffle(self, x):
        randbelow = self._randbelow
        for i in range(len(x) - 1, 0, -1):
            j = randbelow(i + 1)
            x[i], x[j] = x[j], x[i]

    def sample(self, population, k, *, counts=None):
        if isinstance(population, (set, frozenset, dict)) or not hasattr(population, "__getitem__"):
            raise TypeError("Population must be a sequence.  "
                            "For dicts or sets, use sorted(d).")
        n = len(population)
        if counts is not None:
            cum = []
            total = 0
            for c in counts:
                total += c
                cum.append(total)
            if len(cum) != n:
                raise ValueError("The number of counts does not match the population")
            total = cum.pop()
            if not isinstance(total, int):
                raise TypeError("Counts must be integers")
            if total <= 0:
                raise ValueError("Total of counts must be greater than zero")
            picks = self.sample(range(total), k=k)
            return [population[_bisect_right(cum, s, 0, len(cum))] for s in picks]
        randbelow = self._randbelow
        if not 0 <= k <= n:
            raise ValueError("Sample larger than population or is negative")
        result = [None] * k
        setsize = 21
        if k > 5:
            setsize += 4 ** _ceil(_log(k * 3, 4))
        if n <= setsize:
            pool = list(population)
            for i in range(k):
                j = randbelow(n - i)
                result[i] = pool[j]
                pool[j] = pool[n - i - 1]
        else:
            taken = set()
            for i in range(k):
                j = randbelow(n)
                while j in taken:
                    j = randbelow(n)
                taken.add(j)
                result[i] = population[j]
        return result

    def choices(self, population, weights=None, *, cum_weights=None, k=1):
        random = self.random
        n = len(population)
        if cum_weights is None:
            if weights is None:
                n += 0.0
                return [population[_floor(random() * n)] for _ in range(k)]
            try:
                cum_weights = []
                total = None
                for w in weights:
                    total = w if total is None else total + w
                    cum_weights.append(total)
            except TypeError:
                if not isinstance(weights, int):
                    raise
                k = weights
                raise TypeError("The number of choices must be a keyword argument: k=%r" % k)
        elif weights is not None:
            raise TypeError("Cannot specify both weights and cumulative weights")
        if len(cum_weights) != n:
            raise ValueError("The number of weights does not match the population")
        total = cum_weights[-1] + 0.0
        if total <= 0.0:
            raise ValueError("Total of weights must be greater than zero")
        if not _isfinite(total):
            raise ValueError("Total of weights must be finite")
        hi = n - 1
        return [population[_bisect_right(cum_weights, random() * total, 0, hi)]
                for _ in range(k)]

    # -- real-valued distributions ----------------------------------------------------------

    def uniform(self, a, b):
        return a + (b - a) * self.random()

    def triangular(self, low=0.0, high=1.0, mode=None):
        u = self.random()
        try:
            c = 0.5 if mode is None else (mode - low) / (high - low)
        except ZeroDivisionError:
            return low
        if u > c:
            u = 1.0 - u
            c = 1.0 - c
            low, high = high, low
        return low + (high - low) * _sqrt(u * c)

    def normalvariate(self, mu=0.0, sigma=1.0):
        random = self.random
        while True:
            u1 = random()
            u2 = 1.0 - random()
            z = _NV_MAGIC * (u1 - 0.5) / u2
            if z * z / 4.0 <= -_log(u2):
                break
        return mu + z * sigma

    def gauss(self, mu=0.0, sigma=1.0):
        z = self.gauss_next
        self.gauss_next = None
        if z is None:
            angle = self.random() * _TWOPI
            radius = _sqrt(-2.0 * _log(1.0 - self.random()))
            z = _cos(angle) * radius
            self.gauss_next = _sin(angle) * radius
        return mu + z * sigma

    def lognormvariate(self, mu, sigma):
        return _exp(self.normalvariate(mu, sigma))

    def expovariate(self, lambd):
        return -_log(1.0 - self.random()) / lambd

    def vonmisesvariate(self, mu, kappa):
        random = self.random
        if kappa <= 1e-6:
            return _TWOPI * random()
        s = 0.5 / kappa
        r = s + _sqrt(1.0 + s * s)
        while True:
            u1 = random()
            z = _cos(_pi * u1)
            d = z / (r + z)
            u2 = random()
            if u2 < 1.0 - d * d or u2 <= (1.0 - d) * _exp(d):
                break
        q = 1.0 / r
        f = (q + z) / (1.0 + q * z)
        u3 = random()
        if u3 > 0.5:
            theta = (mu + _acos(f)) % _TWOPI
        else:
            theta = (mu - _acos(f)) % _TWOPI
        return theta

    def gammavariate(self, alpha, beta):
        if alpha <= 0.0 or beta <= 0.0:
            raise ValueError("gammavariate: alpha and beta must be > 0.0")
        random = self.random
        if alpha > 1.0:
            # Cheng's rejection algorithm (1977).
            ainv = _sqrt(2.0 * alpha - 1.0)
            bbb = alpha - _LOG4
            ccc = alpha + ainv
            while True:
                u1 = random()
                if not 1e-7 < u1 < 0.9999999:
                    continue
                u2 = 1.0 - random()
                v = _log(u1 / (1.0 - u1)) / ainv
                x = alpha * _exp(v)
                z = u1 * u1 * u2
                r = bbb + ccc * v - x
                if r + _SG_MAGIC - 4.5 * z >= 0.0 or r >= _log(z):
                    return x * beta
        if alpha == 1.0:
            return -_log(1.0 - random()) * beta
        # alpha < 1: the Ahrens-Dieter GS algorithm.
        while True:
            u = random()
            b = (_e + alpha) / _e
            p = b * u
            if p <= 1.0:
                x = p ** (1.0 / alpha)
            else:
                x = -_log((b - p) / alpha)
            u1 = random()
            if p > 1.0:
                if u1 <= x ** (alpha - 1.0):
                    break
            elif u1 <= _exp(-x):
                break
        return x * beta

    def betavariate(self, alpha, beta):
        y = self.gammavariate(alpha, 1.0)
        if y:
            return y / (y + self.gammavariate(beta, 1.0))
        return 0.0

    def paretovariate(self, alpha):
        u = 1.0 - self.random()
        return u ** (-1.0 / alpha)

    def weibullvariate(self, alpha, beta):
        u = 1.0 - self.random()
        return alpha * (-_log(u)) ** (1.0 / beta)


def _as_index(value, what):
    if isinstance(value, int):
        return value
    if hasattr(type(value), "__index__"):
        return type(value).__index__(value)
    if isinstance(value, float) and value == int(value):
        return int(value)
    raise ValueError("non-integer %s for randrange()" % ("arg 1" if what == "start" else what))


def _bisect_right(a, x, lo, hi):
    while lo < hi:
        mid = (lo + hi) // 2
        if x < a[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


class SystemRandom(Random):
    """Draws from the operating system's entropy source (os.urandom); cannot be seeded."""

    def random(self):
        return (int.from_bytes(_urandom(7), "big") >> 3) * _RECIP_BPF

    def getrandbits(self, k):
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        nbytes = (k + 7) // 8
        x = int.from_bytes(_urandom(nbytes), "big")
        return x >> (nbytes * 8 - k)

    def randbytes(self, n):
        return _urandom(n)

    def seed(self, *args, **kwds):
        return None

    def _notimplemented(self, *args, **kwds):
        raise NotImplementedError("System entropy source does not have state.")

    getstate = setstate = _notimplemented


def _urandom(n):
    import os
    return os.urandom(n)


_inst = Random()
seed = _inst.seed
random = _inst.random
uniform = _inst.uniform
triangular = _inst.triangular
randint = _inst.randint
choice = _inst.choice
randrange = _inst.randrange
sample = _inst.sample
shuffle = _inst.shuffle
choices = _inst.choices
normalvariate = _inst.normalvariate
lognormvariate = _inst.lognormvariate
expovariate = _inst.expovariate
vonmisesvariate = _inst.vonmisesvariate
gammavariate = _inst.gammavariate
gauss = _inst.gauss
betavariate = _inst.betavariate
paretovariate = _inst.paretovariate
weibullvariate = _inst.weibullvariate
getstate = _inst.getstate
setstate = _inst.setstate
getrandbits = _inst.getrandbits
randbytes = _inst.randbytes
if _mtn is not None:
    # the hottest module functions as builtins bound to the shared state (no Python frame)
    random = _mtn.bound_random(_inst._state)
    getrandbits = _mtn.bound_getrandbits(_inst._state)
