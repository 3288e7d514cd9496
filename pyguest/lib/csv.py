"""CSV reading and writing (`csv`), written for pyguest.

`reader` is a character state machine with CPython 3.11's rules: quoted fields may hold
delimiters, doubled quotes and newlines; `escapechar`, `skipinitialspace`, `strict` and the
quoting modes (QUOTE_NONNUMERIC turns unquoted fields into floats, QUOTE_NONE disables
quotes); errors are `csv.Error` with CPython's messages. `writer` quotes fields as CPython
does (a delimiter, quotechar, escapechar or line-terminator character forces quotes under
QUOTE_MINIMAL, a single empty field is written as ""). Dialects `excel`, `excel-tab` and
`unix` are registered; `DictReader`/`DictWriter` map rows to dicts. `Sniffer` guesses the
delimiter from character frequencies and quoting from quoted fields (simplified).

Plain Python; the file objects only need iteration over lines (reader) and `write` (writer).
"""

__all__ = ["QUOTE_MINIMAL", "QUOTE_ALL", "QUOTE_NONNUMERIC", "QUOTE_NONE", "Error", "Dialect",
           "excel", "excel_tab", "field_size_limit", "reader", "writer", "register_dialect",
           "get_dialect", "list_dialects", "Sniffer", "unregister_dialect", "DictReader",
           "DictWriter", "unix_dialect"]

__version__ = "1.0"

QUOTE_MINIMAL, QUOTE_ALL, QUOTE_NONNUMERIC, QUOTE_NONE = range(4)


class Error(Exception):
    pass


Error.__module__ = "_csv"

_field_limit = [128 * 1024]


def field_size_limit(*args):
    """Return the current field size limit; with an argument, also set a new one."""
    if len(args) > 1:
        raise TypeError("field_size_limit expected at most 1 argument, got %d" % len(args))
    old = _field_limit[0]
    if args:
        if not isinstance(args[0], int):
            raise TypeError("limit must be an integer")
        _field_limit[0] = args[0]
    return old


_ATTRS = ("delimiter", "doublequote", "escapechar", "lineterminator", "quotechar", "quoting",
          "skipinitialspace", "strict")


class Dialect:
    """Describe a CSV dialect (subclass and set the attributes)."""

    _name = ""
    _valid = False
    delimiter = None
    quotechar = None
    escapechar = None
    doublequote = None
    skipinitialspace = None
    lineterminator = None
    quoting = None
    strict = False

    def __init__(self):
        if self.__class__ != Dialect:
            self._valid = True
        _Params(self)


class _Params:
    """Validated dialect parameters (what readers and writers use)."""

    def __init__(self, dialect=None, **kw):
        base = {"delimiter": ",", "quotechar": '"', "escapechar": None, "doublequote": True,
                "skipinitialspace": False, "lineterminator": "\r\n",
                "quoting": QUOTE_MINIMAL, "strict": False}
        if dialect is not None:
            if isinstance(dialect, str):
                dialect = get_dialect(dialect)
            for name in _ATTRS:
                if hasattr(dialect, name):
                    base[name] = getattr(dialect, name)
        for name, v in kw.items():
            if name not in _ATTRS:
                raise TypeError("'%s' is an invalid keyword argument for this function" % name)
            base[name] = v
        self.delimiter = self._char("delimiter", base["delimiter"], False)
        self.quotechar = self._char("quotechar", base["quotechar"], True)
        self.escapechar = self._char("escapechar", base["escapechar"], True)
        self.doublequote = bool(base["doublequote"])
        self.skipinitialspace = bool(base["skipinitialspace"])
        self.strict = bool(base["strict"])
        lt = base["lineterminator"]
        if lt is None:
            raise TypeError("lineterminator must be set")
        if not isinstance(lt, str):
            raise TypeError('"lineterminator" must be a string')
        self.lineterminator = lt
        q = base["quoting"]
        if not isinstance(q, int) or q not in range(4):
            raise TypeError("bad \"quoting\" value")
        self.quoting = q
        if self.delimiter is None:
            raise TypeError('"delimiter" must be a 1-character string')
        if self.quotechar is None and q != QUOTE_NONE:
            raise TypeError("quotechar must be set if quoting enabled")

    @staticmethod
    def _char(name, v, allow_none):
        if v is None:
            if allow_none:
                return None
            raise TypeError('"%s" must be a 1-character string' % name)
        if not isinstance(v, str):
            raise TypeError('"%s" must be string or None, not %s' % (name, type(v).__name__)
                            if allow_none else
                            '"%s" must be string, not %s' % (name, type(v).__name__))
        if len(v) != 1:
            raise TypeError('"%s" must be a 1-character string' % name)
        return v


class excel(Dialect):
    """The usual properties of an Excel-generated CSV file."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = QUOTE_MINIMAL


class excel_tab(excel):
    """The usual properties of an Excel-generated TAB-delimited file."""

    delimiter = "\t"


class unix_dialect(Dialect):
    """The usual properties of a CSV file generated on UNIX systems."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\n"
    quoting = QUOTE_ALL


_dialects = {}


class _DialectView:
    """What get_dialect returns: the validated attributes, read-only."""

    def __init__(self, params):
        for name in _ATTRS:
            object.__setattr__(self, name, getattr(params, name))

    def __setattr__(self, name, value):
        raise AttributeError("attribute '%s' of '_csv.Dialect' objects is not writable" % name)


def register_dialect(name, dialect=None, **fmtparams):
    """Register a dialect under `name` (a Dialect class/instance and/or keyword params)."""
    if not isinstance(name, str):
        raise TypeError("dialect name must be a string")
    _dialects[name] = _DialectView(_Params(dialect, **fmtparams))


def unregister_dialect(name):
    if name not in _dialects:
        raise Error("unknown dialect")
    del _dialects[name]


def get_dialect(name):
    try:
        return _dialects[name]
    except (KeyError, TypeError):
        raise Error("unknown dialect")


def list_dialects():
    return list(_dialects)


register_dialect("excel", excel)
register_dialect("excel-tab", excel_tab)
register_dialect("unix", unix_dialect)

_EOL = None
(START_RECORD, START_FIELD, ESCAPED_CHAR, IN_FIELD, IN_QUOTED_FIELD, ESCAPE_IN_QUOTED_FIELD,
 QUOTE_IN_QUOTED_FIELD, EAT_CRNL, AFTER_ESCAPED_CRNL) = range(9)


class _Reader:
    """Iterator over the rows (lists of str) of a CSV source."""

    def __init__(self, f, dialect="excel", **fmtparams):
        self._it = iter(f)
        self.dialect = _DialectView(_Params(dialect, **fmtparams))
        self._p = _Params(dialect, **fmtparams)
        self.line_num = 0

    def __iter__(self):
        return self

    def _reset(self):
        self._fields = []
        self._field = []
        self._state = START_RECORD
        self._numeric = False

    def _save_field(self):
        field = "".join(self._field)
        self._field = []
        if self._numeric:
            self._numeric = False
            field = float(field)
        self._fields.append(field)

    def _add_char(self, c):
        if len(self._field) >= _field_limit[0]:
            raise Error("field larger than field limit (%d)" % _field_limit[0])
        self._field.append(c)

    def _process(self, c):
        p = self._p
        state = self._state
        if state == START_RECORD:
            if c is _EOL:
                return
            if c == "\n" or c == "\r":
                self._state = EAT_CRNL
                return
            state = self._state = START_FIELD
        if state == START_FIELD:
            if c is _EOL or c == "\n" or c == "\r":
                self._save_field()
                self._state = START_RECORD if c is _EOL else EAT_CRNL
            elif c == p.quotechar and p.quoting != QUOTE_NONE:
                self._state = IN_QUOTED_FIELD
            elif c == p.escapechar:
                self._state = ESCAPED_CHAR
            elif c == " " and p.skipinitialspace:
                pass
            elif c == p.delimiter:
                self._save_field()
            else:
                if p.quoting == QUOTE_NONNUMERIC:
                    self._numeric = True
                self._add_char(c)
                self._state = IN_FIELD
        elif state == ESCAPED_CHAR:
            if c == "\n" or c == "\r":
                self._add_char(c)
                self._state = AFTER_ESCAPED_CRNL
                return
            if c is _EOL:
                c = "\n"
            self._add_char(c)
            self._state = IN_FIELD
        elif state == AFTER_ESCAPED_CRNL:
            if c is _EOL:
                return
            self._state = IN_FIELD
            self._in_field(c)
        elif state == IN_FIELD:
            self._in_field(c)
        elif state == IN_QUOTED_FIELD:
            if c is _EOL:
                pass
            elif c == p.escapechar:
                self._state = ESCAPE_IN_QUOTED_FIELD
            elif c == p.quotechar and p.quoting != QUOTE_NONE:
                self._state = QUOTE_IN_QUOTED_FIELD if p.doublequote else IN_FIELD
            else:
                self._add_char(c)
        elif state == ESCAPE_IN_QUOTED_FIELD:
            if c is _EOL:
                c = "\n"
            self._add_char(c)
            self._state = IN_QUOTED_FIELD
        elif state == QUOTE_IN_QUOTED_FIELD:
            if p.quoting != QUOTE_NONE and c == p.quotechar:
                self._add_char(c)
                self._state = IN_QUOTED_FIELD
            elif c == p.delimiter:
                self._save_field()
                self._state = START_FIELD
            elif c is _EOL or c == "\n" or c == "\r":
                self._save_field()
                self._state = START_RECORD if c is _EOL else EAT_CRNL
            elif not p.strict:
                self._add_char(c)
                self._state = IN_FIELD
            else:
                raise Error("'%s' expected after '%s'" % (p.delimiter, p.quotechar))
        elif state == EAT_CRNL:
            if c == "\n" or c == "\r":
                pass
            elif c is _EOL:
                self._state = START_RECORD
            else:
                raise Error("new-line character seen in unquoted field - "
                            "do you need to open the file with newline=''?")

    def _in_field(self, c):
        p = self._p
        if c is _EOL or c == "\n" or c == "\r":
            self._save_field()
            self._state = START_RECORD if c is _EOL else EAT_CRNL
        elif c == p.escapechar:
            self._state = ESCAPED_CHAR
        elif c == p.delimiter:
            self._save_field()
            self._state = START_FIELD
        else:
            self._add_char(c)

    def _simple_line(self, line):
        """Fast path for a whole record without quotes, escapes or embedded newlines."""
        p = self._p
        if p.quoting == QUOTE_NONNUMERIC or p.skipinitialspace:
            return False
        body = line
        if body.endswith("\r\n"):
            body = body[:-2]
        elif body.endswith("\n") or body.endswith("\r"):
            body = body[:-1]
        if ("\n" in body or "\r" in body or (p.quotechar is not None and p.quotechar in body)
                or (p.escapechar is not None and p.escapechar in body)):
            return False
        if not body:
            self._fields = []
            return True
        fields = body.split(p.delimiter)
        limit = _field_limit[0]
        for f in fields:
            if len(f) > limit:
                return False
        self._fields = fields
        return True

    def __next__(self):
        self._reset()
        while True:
            try:
                line = next(self._it)
            except StopIteration:
                if self._field or self._state == IN_QUOTED_FIELD:
                    if self._p.strict:
                        raise Error("unexpected end of data")
                    self._save_field()
                    break
                raise
            if not isinstance(line, str):
                raise Error("iterator should return strings, not %.200s (the file should be "
                            "opened in text mode)" % type(line).__name__)
            self.line_num += 1
            if self._state == START_RECORD and self._simple_line(line):
                break
            for c in line:
                self._process(c)
            self._process(_EOL)
            if self._state == START_RECORD:
                break
        fields = self._fields
        self._fields = []
        return fields


def reader(csvfile, dialect="excel", **fmtparams):
    """An iterator over the rows of `csvfile` (any iterable of lines), as lists of str."""
    return _Reader(csvfile, dialect, **fmtparams)


class _Writer:
    """Writes rows (iterables of values) as CSV lines to a file-like object."""

    def __init__(self, f, dialect="excel", **fmtparams):
        if not hasattr(f, "write"):
            raise TypeError('argument 1 must have a "write" method')
        self._write = f.write
        self._p = _Params(dialect, **fmtparams)
        self.dialect = _DialectView(self._p)

    def _field_text(self, field, quoted, out):
        p = self._p
        lineterm = p.lineterminator
        for c in field:
            want_escape = False
            if (c == p.delimiter or c == p.escapechar or c == p.quotechar
                    or c in lineterm or c == "\n" or c == "\r"):
                if p.quoting == QUOTE_NONE:
                    want_escape = True
                else:
                    if c == p.quotechar:
                        if p.doublequote:
                            out.append(p.quotechar)
                        else:
                            want_escape = True
                    elif c == p.escapechar:
                        want_escape = True
                    if not want_escape:
                        quoted = True
                if want_escape:
                    if p.escapechar is None:
                        raise Error("need to escape, but no escapechar set")
                    out.append(p.escapechar)
            out.append(c)
        return quoted

    def _join(self, row):
        p = self._p
        parts = []
        try:
            items = iter(row)
        except TypeError:
            raise Error("iterable expected, not %s" % type(row).__name__)
        count = 0
        for field in items:
            count += 1
            if p.quoting == QUOTE_NONNUMERIC:
                quoted = not isinstance(field, (int, float, complex)) or field is None
            elif p.quoting == QUOTE_ALL:
                quoted = True
            else:
                quoted = False
            if field is None:
                text = ""
            elif isinstance(field, float):
                text = repr(field)
            else:
                text = str(field)
            out = []
            quoted = self._field_text(text, quoted, out)
            body = "".join(out)
            if quoted:
                body = p.quotechar + body + p.quotechar
            parts.append(body)
        line = p.delimiter.join(parts)
        if count == 1 and line == "":
            if p.quoting == QUOTE_NONE:
                raise Error("single empty field record must be quoted")
            line = p.quotechar * 2
        return line + p.lineterminator

    def writerow(self, row):
        """Write one row; returns what the file's write returned."""
        return self._write(self._join(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(csvfile, dialect="excel", **fmtparams):
    """A writer that formats rows for `csvfile` (anything with a write method)."""
    return _Writer(csvfile, dialect, **fmtparams)


class DictReader:
    """Reads rows as dicts keyed by `fieldnames` (default: the first row)."""

    def __init__(self, f, fieldnames=None, restkey=None, restval=None, dialect="excel",
                 *args, **kwds):
        if fieldnames is not None and iter(fieldnames) is fieldnames:
            fieldnames = list(fieldnames)
        self._fieldnames = fieldnames
        self.restkey = restkey
        self.restval = restval
        self.reader = reader(f, dialect, *args, **kwds)
        self.dialect = dialect
        self.line_num = 0

    def __iter__(self):
        return self

    @property
    def fieldnames(self):
        if self._fieldnames is None:
            try:
                self._fieldnames = next(self.reader)
            except StopIteration:
                pass
        self.line_num = self.reader.line_num
        return self._fieldnames

    @fieldnames.setter
    def fieldnames(self, value):
        self._fieldnames = value

    def __next__(self):
        if self.line_num == 0:
            self.fieldnames
        row = next(self.reader)
        self.line_num = self.reader.line_num
        while row == []:
            row = next(self.reader)
        d = dict(zip(self.fieldnames, row))
        lf = len(self.fieldnames)
        lr = len(row)
        if lf < lr:
            d[self.restkey] = row[lf:]
        elif lf > lr:
            for key in self.fieldnames[lr:]:
                d[key] = self.restval
        return d


class DictWriter:
    """Writes dicts as rows in `fieldnames` order (missing keys get `restval`)."""

    def __init__(self, f, fieldnames, restval="", extrasaction="raise", dialect="excel",
                 *args, **kwds):
        if fieldnames is not None and iter(fieldnames) is fieldnames:
            fieldnames = list(fieldnames)
        self.fieldnames = fieldnames
        self.restval = restval
        if extrasaction.lower() not in ("raise", "ignore"):
            raise ValueError("extrasaction (%s) must be 'raise' or 'ignore'" % extrasaction)
        self.extrasaction = extrasaction
        self.writer = writer(f, dialect, *args, **kwds)

    def writeheader(self):
        header = dict(zip(self.fieldnames, self.fieldnames))
        return self.writerow(header)

    def _dict_to_list(self, rowdict):
        if self.extrasaction == "raise":
            wrong_fields = [k for k in rowdict if k not in self.fieldnames]
            if wrong_fields:
                raise ValueError("dict contains fields not in fieldnames: "
                                 + ", ".join([repr(x) for x in wrong_fields]))
        return (rowdict.get(key, self.restval) for key in self.fieldnames)

    def writerow(self, rowdict):
        return self.writer.writerow(self._dict_to_list(rowdict))

    def writerows(self, rowdicts):
        return self.writer.writerows(map(self._dict_to_list, rowdicts))


class Sniffer:
    """Guesses a sample's dialect (delimiter, quotechar) and whether it has a header row."""

    def __init__(self):
        self.preferred = [",", "\t", ";", " ", ":"]

    def sniff(self, sample, delimiters=None):
        quotechar, doublequote, delimiter, skipinitialspace = self._guess_quote(sample,
                                                                                delimiters)
        if not delimiter:
            delimiter, skipinitialspace = self._guess_delimiter(sample, delimiters)
        if not delimiter:
            raise Error("Could not determine delimiter")

        class dialect(Dialect):
            _name = "sniffed"
            lineterminator = "\r\n"
            quoting = QUOTE_MINIMAL

        dialect.doublequote = doublequote
        dialect.delimiter = delimiter
        dialect.quotechar = quotechar or '"'
        dialect.skipinitialspace = skipinitialspace
        return dialect

    def _guess_quote(self, data, delimiters):
        counts = {}
        delims = {}
        spaces = 0
        for q in ('"', "'"):
            i = 0
            while True:
                start = data.find(q, i)
                if start < 0:
                    break
                end = data.find(q, start + 1)
                if end < 0:
                    break
                before = data[start - 1] if start > 0 else ""
                after = data[end + 1] if end + 1 < len(data) else ""
                if (before in ("", "\n", "\r") or not before.isalnum()) and \
                        (after in ("", "\n", "\r") or not after.isalnum()):
                    counts[q] = counts.get(q, 0) + 1
                    d = before if before not in ("", "\n", "\r", " ") else \
                        (after if after not in ("", "\n", "\r") else "")
                    if before == " ":
                        spaces += 1
                        j = start - 1
                        while j >= 0 and data[j] == " ":
                            j -= 1
                        d = data[j] if j >= 0 and data[j] not in "\n\r" else after
                    if d and (delimiters is None or d in delimiters) and d not in "\n\r":
                        delims[d] = delims.get(d, 0) + 1
                i = end + 1
        if not counts:
            return "", False, None, 0
        quotechar = max(counts, key=counts.get)
        delim = max(delims, key=delims.get) if delims else ""
        if delim == "\n":
            delim = ""
        skipinitialspace = delims.get(delim, 0) == spaces if delim else False
        doublequote = (quotechar * 2) in data
        return quotechar, doublequote, delim, skipinitialspace

    def _guess_delimiter(self, data, delimiters):
        lines = [ln for ln in data.split("\n") if ln.strip()]
        candidates = {}
        for ch in (delimiters if delimiters else "".join(set(data))):
            if ch.isalnum() or ch in "\r\n\"'":
                continue
            freqs = [ln.count(ch) for ln in lines]
            if freqs and freqs[0] > 0 and all(f == freqs[0] for f in freqs):
                candidates[ch] = freqs[0]
        if not candidates:
            return "", 0
        for d in self.preferred:
            if d in candidates:
                delim = d
                break
        else:
            delim = max(candidates, key=candidates.get)
        skip = all(ln.count(delim) == ln.count(delim + " ") for ln in lines)
        return delim, skip

    def has_header(self, sample):
        rdr = reader(sample.splitlines(), self.sniff(sample))
        header = next(rdr)
        columns = len(header)
        column_types = {}
        for i in range(columns):
            column_types[i] = None
        checked = 0
        for row in rdr:
            if checked > 20:
                break
            checked += 1
            if len(row) != columns:
                continue
            for col in list(column_types.keys()):
                thistype = str
                for typ in (int, float, complex):
                    try:
                        typ(row[col])
                        thistype = typ
                        break
                    except (ValueError, OverflowError):
                        pass
                if thistype is str:
                    thistype = len(row[col])
                if thistype != column_types[col]:
                    if column_types[col] is None:
                        column_types[col] = thistype
                    else:
                        del column_types[col]
        has_header = 0
        for col, colType in column_types.items():
            if type(colType) == type(0):
                if len(header[col]) != colType:
                    has_header += 1
                else:
                    has_header -= 1
            else:
                try:
                    colType(header[col])
                except (ValueError, TypeError):
                    has_header += 1
                else:
                    has_header -= 1
        return has_header > 0
