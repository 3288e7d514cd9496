"""Shell-style filename matching (`fnmatch`, `fnmatchcase`, `filter`, `translate`) for pyguest.

Patterns: `*` (any run of characters), `?` (one character), `[seq]`, `[!seq]` with ranges
`a-z`; an unclosed `[` is literal. Matching is done by a small compiled matcher of our own (no
regular expressions): a pattern becomes a list of tokens matched with star backtracking.
`translate` returns the same regular-expression text as CPython 3.11 for use with `re`.
Assumes POSIX: `normcase` is the identity, so `fnmatch` is case-sensitive.
"""

import os

__all__ = ["filter", "fnmatch", "fnmatchcase", "translate"]

_cache = {}

_LIT, _ANY, _STAR, _SET = 0, 1, 2, 3


def _parse_set(pat, i, n):
    """Parse a `[...]` starting after `[` at index i. Returns (token, next index) or None when
    the set is unclosed (then `[` is a literal)."""
    j = i
    if j < n and pat[j] == "!":
        j += 1
    if j < n and pat[j] == "]":
        j += 1
    while j < n and pat[j] != "]":
        j += 1
    if j >= n:
        return None
    stuff = pat[i:j]
    negate = False
    if stuff[:1] == "!":
        negate = True
        stuff = stuff[1:]
    ranges = []
    k = 0
    m = len(stuff)
    while k < m:
        if k + 2 < m and stuff[k + 1] == "-":
            lo, hi = stuff[k], stuff[k + 2]
            if lo <= hi:
                ranges.append((lo, hi))
            k += 3
        else:
            ranges.append((stuff[k], stuff[k]))
            k += 1
    return (_SET, negate, tuple(ranges)), j + 1


def _compile(pat):
    toks = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        i += 1
        if c == "*":
            if not toks or toks[-1][0] != _STAR:
                toks.append((_STAR,))
        elif c == "?":
            toks.append((_ANY,))
        elif c == "[":
            r = _parse_set(pat, i, n)
            if r is None:
                toks.append((_LIT, "["))
            else:
                toks.append(r[0])
                i = r[1]
        else:
            toks.append((_LIT, c))
    return toks


def _one(tok, ch):
    kind = tok[0]
    if kind == _LIT:
        return tok[1] == ch
    if kind == _ANY:
        return True
    hit = False
    for lo, hi in tok[2]:
        if lo <= ch <= hi:
            hit = True
            break
    return hit != tok[1]


def _match(toks, name):
    ti = ni = 0
    nt, nn = len(toks), len(name)
    star_t = -1
    star_n = 0
    while ni < nn:
        if ti < nt and toks[ti][0] == _STAR:
            star_t = ti
            star_n = ni
            ti += 1
        elif ti < nt and _one(toks[ti], name[ni]):
            ti += 1
            ni += 1
        elif star_t >= 0:
            ti = star_t + 1
            star_n += 1
            ni = star_n
        else:
            return False
    while ti < nt and toks[ti][0] == _STAR:
        ti += 1
    return ti == nt


def _tokens(pat):
    toks = _cache.get(pat)
    if toks is None:
        if len(_cache) >= 32768:
            _cache.clear()
        toks = _compile(pat)
        _cache[pat] = toks
    return toks


def _check(x, what):
    if not isinstance(x, (str, bytes)):
        raise TypeError("expected str, bytes or os.PathLike object, not " + type(x).__name__)
    return x


def _as_text(x):
    if isinstance(x, bytes):
        return x.decode("latin-1")
    return x


def fnmatchcase(name, pat):
    """Test whether `name` matches `pat`, case-sensitively."""
    return _match(_tokens(_as_text(pat)), _as_text(name))


def fnmatch(name, pat):
    """Test whether `name` matches `pat` (after `os.path.normcase`, the identity on POSIX)."""
    name = os.fspath(name)
    pat = os.fspath(pat)
    return fnmatchcase(name, pat)


def filter(names, pat):
    """The subset of `names` that match `pat`."""
    toks = _tokens(_as_text(os.fspath(pat)))
    result = []
    for name in names:
        if _match(toks, _as_text(os.fspath(name))):
            result.append(name)
    return result


_SPECIAL = set("()[]{}?*+-|^$\\.&~# \t\n\r\v\f")


def _escape(s):
    return "".join("\\" + c if c in _SPECIAL else c for c in s)


def translate(pat):
    """The regular-expression text (as CPython 3.11 writes it) equivalent to `pat`."""
    STAR = object()
    res = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        i += 1
        if c == "*":
            if not res or res[-1] is not STAR:
                res.append(STAR)
        elif c == "?":
            res.append(".")
        elif c == "[":
            j = i
            if j < n and pat[j] == "!":
                j += 1
            if j < n and pat[j] == "]":
                j += 1
            while j < n and pat[j] != "]":
                j += 1
            if j >= n:
                res.append("\\[")
            else:
                stuff = pat[i:j]
                if "-" not in stuff:
                    stuff = stuff.replace("\\", "\\\\")
                else:
                    chunks = []
                    k = i + 2 if pat[i] == "!" else i + 1
                    while True:
                        k = pat.find("-", k, j)
                        if k < 0:
                            break
                        chunks.append(pat[i:k])
                        i = k + 1
                        k = k + 3
                    chunk = pat[i:j]
                    if chunk:
                        chunks.append(chunk)
                    else:
                        chunks[-1] += "-"
                    for k in range(len(chunks) - 1, 0, -1):
                        if chunks[k - 1][-1] > chunks[k][0]:
                            chunks[k - 1] = chunks[k - 1][:-1] + chunks[k][1:]
                            del chunks[k]
                    stuff = "-".join(s.replace("\\", "\\\\").replace("-", "\\-")
                                     for s in chunks)
                for ch in "&~|":
                    stuff = stuff.replace(ch, "\\" + ch)
                i = j + 1
                if not stuff:
                    res.append("(?!)")
                elif stuff == "!":
                    res.append(".")
                else:
                    if stuff[0] == "!":
                        stuff = "^" + stuff[1:]
                    elif stuff[0] in ("^", "["):
                        stuff = "\\" + stuff
                    res.append("[" + stuff + "]")
        else:
            res.append(_escape(c))
    # Runs of literals between stars: the first run is fixed, the middle ones are atomic
    # groups `(?>.*?LIT)`, the last is `.*LIT`.
    inp = res
    out = []
    i, n = 0, len(inp)
    while i < n and inp[i] is not STAR:
        out.append(inp[i])
        i += 1
    while i < n:
        i += 1
        if i == n:
            out.append(".*")
            break
        fixed = []
        while i < n and inp[i] is not STAR:
            fixed.append(inp[i])
            i += 1
        fixed = "".join(fixed)
        if i == n:
            out.append(".*")
            out.append(fixed)
        else:
            out.append("(?>.*?" + fixed + ")")
    return "(?s:" + "".join(out) + ")\\Z"
