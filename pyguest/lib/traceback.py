"""Formatting and printing of exceptions and stacks (`traceback`), written for pyguest.

Output follows CPython 3.11's text: "Traceback (most recent call last):", one
`  File "f", line N, in name` line per frame with the stripped source line below it, chained
exceptions with the "direct cause" / "During handling" separators, runs of identical frames
folded into "[Previous line repeated N more times]", `__notes__` after the message.

Assumptions: a traceback is a chain of `tb_frame`/`tb_lineno`/`tb_next` objects (pyguest's
have been since session 12; the older list of `(code, line, frame_id)` entries, innermost
first, is still accepted). Frames
expose `f_code`, `f_lineno` and `f_back`; source lines are read from the files named by
`co_filename` through `linecache` (embedded modules have no readable source, so only their "File" line appears).
The column carets CPython 3.11 adds under partial-line expressions are not produced.
"""

import sys

__all__ = ["extract_stack", "extract_tb", "format_exception", "format_exception_only",
           "format_list", "format_stack", "format_tb", "print_exc", "format_exc",
           "print_exception", "print_last", "print_stack", "print_tb", "clear_frames",
           "FrameSummary", "StackSummary", "TracebackException", "walk_stack", "walk_tb"]

import linecache


def _getline(filename, lineno):
    return linecache.getline(filename, lineno)


class FrameSummary:
    """One frame of a stack: filename, lineno, name and the source line (read lazily)."""

    __slots__ = ("filename", "lineno", "name", "_line", "locals")

    def __init__(self, filename, lineno, name, *, lookup_line=True, locals=None, line=None):
        self.filename = filename
        self.lineno = lineno
        self.name = name
        self._line = line
        self.locals = None if locals is None else {k: repr(v) for k, v in locals.items()}
        if lookup_line:
            self.line

    @property
    def line(self):
        if self._line is None:
            if self.lineno is None:
                return None
            self._line = _getline(self.filename, self.lineno)
        return self._line.strip()

    def __eq__(self, other):
        if isinstance(other, FrameSummary):
            return (self.filename == other.filename and self.lineno == other.lineno
                    and self.name == other.name and self.locals == other.locals)
        if isinstance(other, tuple):
            return (self.filename, self.lineno, self.name, self.line) == other
        return NotImplemented

    def __getitem__(self, pos):
        return (self.filename, self.lineno, self.name, self.line)[pos]

    def __iter__(self):
        return iter([self.filename, self.lineno, self.name, self.line])

    def __repr__(self):
        return "<FrameSummary file {filename}, line {lineno} in {name}>".format(
            filename=self.filename, lineno=self.lineno, name=self.name)

    def __len__(self):
        return 4


def _tb_entries(tb):
    """(filename, lineno, name) for each traceback entry, outermost first."""
    out = []
    if tb is None:
        return out
    if isinstance(tb, list):
        for entry in reversed(tb):
            code, line = entry[0], entry[1]
            out.append((code.co_filename, line, code.co_name))
        return out
    while tb is not None:
        code = tb.tb_frame.f_code
        out.append((code.co_filename, tb.tb_lineno, code.co_name))
        tb = tb.tb_next
    return out


def walk_tb(tb):
    """Yield (frame-like, lineno) for each traceback entry, outermost first."""
    if isinstance(tb, list):
        for entry in reversed(tb):
            yield entry[0], entry[1]
        return
    while tb is not None:
        yield tb.tb_frame, tb.tb_lineno
        tb = tb.tb_next


def walk_stack(f):
    """Yield (frame, lineno) from frame `f` (default: the caller) outward."""
    if f is None:
        f = sys._getframe().f_back.f_back
    while f is not None:
        yield f, f.f_lineno
        f = f.f_back


def _limit_entries(entries, limit, from_end):
    if limit is None:
        limit = getattr(sys, "tracebacklimit", None)
        if limit is not None and limit < 0:
            limit = 0
    if limit is None:
        return entries
    if limit >= 0:
        return entries[-limit:] if from_end else entries[:limit]
    return entries[:-limit] if from_end else entries[limit:]


class StackSummary(list):
    """A list of FrameSummary objects with CPython's formatting."""

    @classmethod
    def extract(klass, frame_gen, *, limit=None, lookup_lines=True, capture_locals=False):
        result = klass()
        for f, lineno in frame_gen:
            code = f.f_code if hasattr(f, "f_code") else f
            result.append(FrameSummary(code.co_filename, lineno, code.co_name,
                                       lookup_line=lookup_lines))
        return result

    @classmethod
    def from_list(klass, a_list):
        result = StackSummary()
        for frame in a_list:
            if isinstance(frame, FrameSummary):
                result.append(frame)
            else:
                filename, lineno, name, line = frame
                result.append(FrameSummary(filename, lineno, name, line=line))
        return result

    def format_frame_summary(self, frame_summary):
        row = ['  File "{}", line {}, in {}\n'.format(
            frame_summary.filename, frame_summary.lineno, frame_summary.name)]
        line = frame_summary.line
        if line:
            row.append("    {}\n".format(line))
        if frame_summary.locals:
            for name, value in sorted(frame_summary.locals.items()):
                row.append("    {name} = {value}\n".format(name=name, value=value))
        return "".join(row)

    def format(self):
        result = []
        last = None
        count = 0
        for fs in self:
            key = (fs.filename, fs.lineno, fs.name)
            if last is None or key != last:
                if count > 3:
                    n = count - 3
                    result.append("  [Previous line repeated %d more time%s]\n"
                                  % (n, "s" if n > 1 else ""))
                last = key
                count = 0
            count += 1
            if count > 3:
                continue
            result.append(self.format_frame_summary(fs))
        if count > 3:
            n = count - 3
            result.append("  [Previous line repeated %d more time%s]\n"
                          % (n, "s" if n > 1 else ""))
        return result


def extract_tb(tb, limit=None):
    """The traceback's entries as a StackSummary (outermost first)."""
    entries = _limit_entries(_tb_entries(tb), limit, False)
    return StackSummary(FrameSummary(f, n, name) for f, n, name in entries)


def _stack_entries(f):
    out = []
    while f is not None:
        out.append((f.f_code.co_filename, f.f_lineno, f.f_code.co_name))
        f = f.f_back
    out.reverse()
    return out


def extract_stack(f=None, limit=None):
    """The current call stack (outermost first) as a StackSummary."""
    if f is None:
        f = sys._getframe().f_back
    entries = _limit_entries(_stack_entries(f), limit, True)
    return StackSummary(FrameSummary(fn, n, name) for fn, n, name in entries)


def format_list(extracted_list):
    return StackSummary.from_list(extracted_list).format()


def format_tb(tb, limit=None):
    return extract_tb(tb, limit=limit).format()


def print_tb(tb, limit=None, file=None):
    _print_list(format_tb(tb, limit), file)


def format_stack(f=None, limit=None):
    if f is None:
        f = sys._getframe().f_back
    return format_list(extract_stack(f, limit=limit))


def print_stack(f=None, limit=None, file=None):
    if f is None:
        f = sys._getframe().f_back
    _print_list(format_list(extract_stack(f, limit=limit)), file)


def print_list(extracted_list, file=None):
    _print_list(format_list(extracted_list), file)


def _print_list(lines, file):
    if file is None:
        file = sys.stderr
    for line in lines:
        print(line, file=file, end="")


def _type_name(etype):
    name = getattr(etype, "__qualname__", None) or getattr(etype, "__name__", str(etype))
    mod = getattr(etype, "__module__", None)
    if mod not in ("__main__", "builtins", None):
        if not isinstance(mod, str):
            mod = "<unknown>"
        name = mod + "." + name
    return name


def _safe_str(value):
    try:
        return str(value)
    except Exception:
        return "<exception str() failed>"


_sentinel = object()


class TracebackException:
    """An exception captured for rendering: type, message, stack, cause and context."""

    def __init__(self, exc_type, exc_value, exc_traceback, *, limit=None, lookup_lines=True,
                 capture_locals=False, compact=False, max_group_width=15,
                 max_group_depth=10, _seen=None):
        if _seen is None:
            _seen = set()
        _seen.add(id(exc_value))
        self.exc_type = exc_type
        self.stack = extract_tb(exc_traceback, limit=limit)
        self._str = _safe_str(exc_value)
        self.__notes__ = getattr(exc_value, "__notes__", None)
        if exc_type is not None and issubclass(exc_type, SyntaxError):
            self.filename = exc_value.filename
            lno = exc_value.lineno
            self.lineno = str(lno) if lno is not None else None
            self.text = exc_value.text
            self.offset = exc_value.offset
            self.msg = exc_value.msg
        self.__cause__ = None
        self.__context__ = None
        self.__suppress_context__ = False
        if exc_value is not None:
            self.__suppress_context__ = bool(getattr(exc_value, "__suppress_context__", False))
            cause = getattr(exc_value, "__cause__", None)
            if cause is not None and id(cause) not in _seen:
                self.__cause__ = TracebackException(
                    type(cause), cause, getattr(cause, "__traceback__", None), limit=limit,
                    _seen=_seen)
            context = getattr(exc_value, "__context__", None)
            if context is not None and id(context) not in _seen and (
                    compact is False or cause is None and not self.__suppress_context__):
                self.__context__ = TracebackException(
                    type(context), context, getattr(context, "__traceback__", None),
                    limit=limit, _seen=_seen)

    @classmethod
    def from_exception(cls, exc, *args, **kwargs):
        return cls(type(exc), exc, exc.__traceback__, *args, **kwargs)

    def __eq__(self, other):
        if isinstance(other, TracebackException):
            return self.__dict__ == other.__dict__
        return NotImplemented

    def __str__(self):
        return self._str

    def format_exception_only(self):
        if self.exc_type is None:
            yield "NoneType: None\n"
            return
        stype = _type_name(self.exc_type)
        if not issubclass(self.exc_type, SyntaxError):
            if self._str:
                yield "%s: %s\n" % (stype, self._str)
            else:
                yield "%s\n" % stype
        else:
            yield from self._format_syntax_error(stype)
        notes = self.__notes__
        if isinstance(notes, (list, tuple)):
            for note in notes:
                note = _safe_str(note)
                for line in note.split("\n"):
                    yield line + "\n"
        elif notes is not None:
            yield "__notes__ = %r\n" % (notes,)

    def _format_syntax_error(self, stype):
        filename_suffix = ""
        if self.lineno is not None:
            yield '  File "{}", line {}\n'.format(self.filename or "<string>", self.lineno)
        elif self.filename is not None:
            filename_suffix = " ({})".format(self.filename)
        text = self.text
        if text is not None:
            rtext = text.rstrip("\n")
            ltext = rtext.lstrip(" \n\f")
            spaces = len(rtext) - len(ltext)
            yield "    {}\n".format(ltext)
            if self.offset is not None:
                offset = self.offset
                caret_space = ltext[:max(offset - 1 - spaces, 0)]
                caret_space = "".join(c if c.isspace() else " " for c in caret_space)
                yield "    {}^\n".format(caret_space)
        msg = self.msg or "<no detail available>"
        yield "{}: {}{}\n".format(stype, msg, filename_suffix)

    def format(self, *, chain=True):
        output = []
        exc = self
        if chain:
            while exc is not None:
                if exc.__cause__ is not None:
                    chained_msg = ("\nThe above exception was the direct cause "
                                   "of the following exception:\n\n")
                    chained_exc = exc.__cause__
                elif exc.__context__ is not None and not exc.__suppress_context__:
                    chained_msg = ("\nDuring handling of the above exception, "
                                   "another exception occurred:\n\n")
                    chained_exc = exc.__context__
                else:
                    chained_msg = None
                    chained_exc = None
                output.append((chained_msg, exc))
                exc = chained_exc
        else:
            output.append((None, exc))
        for msg, exc in reversed(output):
            if msg is not None:
                yield msg
            if exc.stack:
                yield "Traceback (most recent call last):\n"
                yield from exc.stack.format()
            yield from exc.format_exception_only()


def _parse_value_tb(exc, value, tb):
    if (value is _sentinel) != (tb is _sentinel):
        raise ValueError("Both or neither of value and tb must be given")
    if value is tb is _sentinel:
        if exc is not None:
            if isinstance(exc, BaseException):
                return exc, exc.__traceback__
            raise TypeError(f"Exception expected for value, {type(exc).__name__} found")
        return None, None
    return value, tb


def format_exception(exc, /, value=_sentinel, tb=_sentinel, limit=None, chain=True):
    """Lines (each ending in a newline) describing an exception and its traceback."""
    value, tb = _parse_value_tb(exc, value, tb)
    te = TracebackException(type(value), value, tb, limit=limit, compact=True)
    return list(te.format(chain=chain))


def format_exception_only(exc, /, value=_sentinel):
    """The last lines of an exception report: 'Type: message'."""
    if value is _sentinel:
        value = exc
    te = TracebackException(type(value), value, None, compact=True)
    return list(te.format_exception_only())


def print_exception(exc, /, value=_sentinel, tb=_sentinel, limit=None, file=None, chain=True):
    """Print an exception and its traceback to `file` (default sys.stderr)."""
    value, tb = _parse_value_tb(exc, value, tb)
    if file is None:
        file = sys.stderr
    te = TracebackException(type(value), value, tb, limit=limit, compact=True)
    for line in te.format(chain=chain):
        print(line, file=file, end="")


def format_exc(limit=None, chain=True):
    """The exception being handled, formatted as print_exc would print it."""
    return "".join(format_exception(*sys.exc_info(), limit=limit, chain=chain))


def print_exc(limit=None, file=None, chain=True):
    """Print the exception being handled (sys.exc_info()) to `file` (default sys.stderr)."""
    print_exception(*sys.exc_info(), limit=limit, file=file, chain=chain)


def print_last(limit=None, file=None, chain=True):
    if not hasattr(sys, "last_type"):
        raise ValueError("no last exception")
    print_exception(sys.last_type, sys.last_value, sys.last_traceback, limit, file, chain)


def clear_frames(tb):
    """Accepted for compatibility; pyguest tracebacks hold no frames."""
    return None
