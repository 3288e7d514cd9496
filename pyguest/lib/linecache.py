"""Source lines of files by name (`linecache`), written for pyguest.

`getline(filename, lineno)` returns the line with its newline, or '' when the file cannot be
read (names like '<string>' or pyguest's embedded '<pyguest>/x.py' have no file). Lines are
cached per file name until `clearcache()`/`checkcache()`. Reads files as UTF-8 text.
"""

__all__ = ["getline", "clearcache", "checkcache", "lazycache"]

cache = {}


def clearcache():
    """Forget every cached file."""
    cache.clear()


def getlines(filename, module_globals=None):
    """All lines of `filename` (each ending in a newline), [] when it cannot be read."""
    if filename in cache:
        entry = cache[filename]
        if len(entry) != 1:
            return entry[2]
    return updatecache(filename, module_globals)


def getline(filename, lineno, module_globals=None):
    """Line `lineno` (1-based) of `filename`, or '' when out of range or unreadable."""
    lines = getlines(filename, module_globals)
    if 1 <= lineno <= len(lines):
        return lines[lineno - 1]
    return ""


def checkcache(filename=None):
    """Drop cache entries (all, or one file's) so the next read sees the file again."""
    if filename is None:
        cache.clear()
    else:
        cache.pop(filename, None)


def updatecache(filename, module_globals=None):
    """Read `filename` into the cache and return its lines."""
    cache.pop(filename, None)
    if not filename or (filename.startswith("<") and filename.endswith(">")):
        return []
    try:
        with open(filename, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    lines = text.splitlines(True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    cache[filename] = (len(text), None, lines, filename)
    return lines


def lazycache(filename, module_globals):
    return False
