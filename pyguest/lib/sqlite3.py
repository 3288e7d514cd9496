"""DB-API 2.0 interface to SQLite (`sqlite3`) for pyguest, over the native `_pgsqlite`
(a real SQLite compiled in through the `rusqlite` crate).

This module is the Python half, in the way PyPy's `_sqlite3` is Python over a C binding:
`connect`/`Connection` (`execute`, `executemany`, `executescript`, `cursor`, `commit`,
`rollback`, `close`, `create_function`, `create_aggregate`, `with` = commit or roll back, `row_factory`, `text_factory`,
`isolation_level`, `in_transaction`, `total_changes`), `Cursor` (`execute`,
`executemany`, `executescript`, `fetchone`/`fetchmany`/`fetchall`, iteration,
`description`, `rowcount`, `lastrowid`, `arraysize`, `close`), `Row` (index by position or
case-insensitive column name, `keys()`), the DB-API exception classes, `register_adapter`,
`complete_statement` and the version constants.

Transactions follow CPython 3.11's default (legacy) mode: with `isolation_level` not None
a `BEGIN` is issued before INSERT/UPDATE/DELETE/REPLACE when no transaction is open, and
`commit()`/`rollback()` end it; `isolation_level = None` is autocommit. A statement's rows
are all read when it runs (the native side steps it to the end), so fetches only walk a
list. User-defined SQL functions and aggregates (`create_function`, `create_aggregate`)
are called from inside SQLite; an exception in one becomes SQLite's error, as in CPython.
Not provided: `detect_types` converters (`register_converter` records them but
PARSE_DECLTYPES/PARSE_COLNAMES are not applied), collations (`create_collation`), window
functions, `blobopen`, `backup`, `iterdump`, `set_authorizer`.
"""

import os
import _pgsqlite

apilevel = "2.0"
paramstyle = "qmark"
threadsafety = 1
version = "2.6.0"
version_info = (2, 6, 0)
sqlite_version = _pgsqlite.sqlite_version
sqlite_version_info = tuple(int(x) for x in sqlite_version.split("."))
PARSE_DECLTYPES = 1
PARSE_COLNAMES = 2
SQLITE_OK = 0
SQLITE_DENY = 1
SQLITE_IGNORE = 2


class Warning(Exception):
    pass


class Error(Exception):
    pass


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


_pgsqlite.set_errors({
    "DatabaseError": DatabaseError, "DataError": DataError,
    "OperationalError": OperationalError, "IntegrityError": IntegrityError,
    "InternalError": InternalError, "ProgrammingError": ProgrammingError,
    "NotSupportedError": NotSupportedError, "InterfaceError": InterfaceError,
})

Binary = bytes
adapters = {}
converters = {}


def register_adapter(type_, adapter):
    adapters[(type_, PrepareProtocol)] = adapter


def register_converter(name, converter):
    converters[name.upper()] = converter


def adapt(obj, proto=None, alt=None):
    proto = PrepareProtocol if proto is None else proto
    a = adapters.get((type(obj), proto))
    if a is not None:
        return a(obj)
    if alt is not None:
        return alt
    raise ProgrammingError("can't adapt")


class PrepareProtocol:
    pass


def complete_statement(statement):
    return _pgsqlite.complete_statement(statement)


def _adapt_params(params):
    if not adapters or params is None:
        return params
    if isinstance(params, dict):
        return {k: _adapt_one(v) for k, v in params.items()}
    if isinstance(params, (tuple, list)):
        return [_adapt_one(v) for v in params]
    return params


def _adapt_one(v):
    a = adapters.get((type(v), PrepareProtocol))
    return v if a is None else a(v)


_DML = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _first_word(sql):
    """The statement's first keyword, upper-cased, after blanks and SQL comments."""
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in " \t\r\n\f":
            i += 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            break
    j = i
    while j < n and sql[j].isalpha():
        j += 1
    return sql[i:j].upper()


class Row:
    """A result row that is indexable by column position or (case-insensitive) name."""

    def __init__(self, cursor, data):
        if not isinstance(cursor, Cursor):
            raise TypeError("Row() argument 1 must be sqlite3.Cursor, not %s"
                            % type(cursor).__name__)
        if not isinstance(data, tuple):
            raise TypeError("Row() argument 2 must be tuple, not %s" % type(data).__name__)
        self._data = data
        self._desc = cursor.description

    def keys(self):
        return [d[0] for d in self._desc] if self._desc else []

    def __len__(self):
        return len(self._data)

    def __iter__(self):
        return iter(self._data)

    def __getitem__(self, key):
        if isinstance(key, str):
            low = key.lower()
            for i, d in enumerate(self._desc or ()):
                if d[0].lower() == low:
                    return self._data[i]
            raise IndexError("No item with that key")
        return self._data[key]

    def __eq__(self, other):
        if not isinstance(other, Row):
            return NotImplemented
        return self._desc == other._desc and self._data == other._data

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __hash__(self):
        return hash(self._desc) ^ hash(self._data)

    def __repr__(self):
        return "<sqlite3.Row object at 0x%x>" % id(self)


class Cursor:
    """A cursor: runs statements on its connection and walks their rows."""

    def __init__(self, connection):
        if not isinstance(connection, Connection):
            raise TypeError("Cursor() argument 1 must be sqlite3.Connection")
        self.connection = connection
        self.arraysize = 1
        self.row_factory = connection.row_factory
        self.description = None
        self.rowcount = -1
        self.lastrowid = None
        self._rows = []
        self._pos = 0
        self._closed = False

    def _check(self):
        if self._closed:
            raise ProgrammingError("Cannot operate on a closed cursor.")
        self.connection._check()

    def _run(self, sql, params):
        conn = self.connection
        if not isinstance(sql, str):
            raise TypeError("execute() argument 1 must be str, not %s" % type(sql).__name__)
        word = _first_word(sql)
        if word in _DML and conn.isolation_level is not None and not conn.in_transaction:
            _pgsqlite.execute(conn._h, "BEGIN " + conn.isolation_level, None)
        cols, rows, changes, lastrowid = _pgsqlite.execute(conn._h, sql, _adapt_params(params))
        return word, cols, rows, changes, lastrowid

    def execute(self, sql, parameters=None):
        self._check()
        self._rows = []
        self._pos = 0
        word, cols, rows, changes, lastrowid = self._run(sql, parameters)
        self.description = None if cols is None else tuple(
            (c, None, None, None, None, None, None) for c in cols)
        self.rowcount = changes if word in _DML else -1
        self.lastrowid = lastrowid
        self._rows = rows
        return self

    def executemany(self, sql, seq_of_parameters):
        self._check()
        self._rows = []
        self._pos = 0
        total = 0
        dml = False
        for params in seq_of_parameters:
            word, cols, rows, changes, lastrowid = self._run(sql, params)
            if cols is not None:
                raise ProgrammingError("executemany() can only execute DML statements.")
            dml = word in _DML
            total += changes
        self.description = None
        self.rowcount = total if dml else -1
        return self

    def executescript(self, sql_script):
        self._check()
        if not isinstance(sql_script, str):
            raise ValueError("script argument must be unicode.")
        self.connection.commit()
        _pgsqlite.executescript(self.connection._h, sql_script)
        self._rows = []
        self._pos = 0
        self.description = None
        return self

    def _make(self, row):
        tf = self.connection.text_factory
        if tf is not str:
            row = tuple(tf(v.encode()) if isinstance(v, str) else v for v in row)
        rf = self.row_factory
        return row if rf is None else rf(self, row)

    def fetchone(self):
        self._check()
        if self._pos >= len(self._rows):
            return None
        row = self._rows[self._pos]
        self._pos += 1
        return self._make(row)

    def fetchmany(self, size=None):
        self._check()
        n = self.arraysize if size is None else size
        rows = self._rows[self._pos:self._pos + n]
        self._pos += len(rows)
        return [self._make(r) for r in rows]

    def fetchall(self):
        self._check()
        rows = self._rows[self._pos:]
        self._pos = len(self._rows)
        return [self._make(r) for r in rows]

    def __iter__(self):
        return self

    def __next__(self):
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def close(self):
        self._closed = True
        self._rows = []

    def setinputsizes(self, sizes):
        pass

    def setoutputsize(self, size, column=None):
        pass


class Connection:
    """A connection to one SQLite database (a file name or ":memory:")."""

    def __init__(self, database, timeout=5.0, detect_types=0, isolation_level="",
                 check_same_thread=True, factory=None, cached_statements=128, uri=False):
        database = os.fspath(database)
        if isinstance(database, bytes):
            database = database.decode()
        if uri:
            raise NotSupportedError("sqlite3.connect: uri=True is not supported by pyguest")
        self._h = _pgsqlite.connect(database)
        self._closed = False
        self._isolation_level = None
        self.isolation_level = isolation_level
        self.row_factory = None
        self.text_factory = str
        self.detect_types = detect_types
        self.Warning, self.Error = Warning, Error
        self.InterfaceError, self.DatabaseError = InterfaceError, DatabaseError
        self.DataError, self.OperationalError = DataError, OperationalError
        self.IntegrityError, self.InternalError = IntegrityError, InternalError
        self.ProgrammingError, self.NotSupportedError = ProgrammingError, NotSupportedError

    def _check(self):
        if self._closed:
            raise ProgrammingError("Cannot operate on a closed database.")

    @property
    def isolation_level(self):
        return self._isolation_level

    @isolation_level.setter
    def isolation_level(self, level):
        if level is not None:
            if not isinstance(level, str):
                raise TypeError("isolation_level must be str or None, not %s"
                                % type(level).__name__)
            if level.upper() not in ("", "DEFERRED", "IMMEDIATE", "EXCLUSIVE"):
                raise ValueError("isolation_level string must be '', 'DEFERRED', "
                                 "'IMMEDIATE', or 'EXCLUSIVE'")
        elif not self._closed and self.in_transaction:
            self.commit()
        self._isolation_level = level

    @property
    def in_transaction(self):
        self._check()
        return _pgsqlite.in_transaction(self._h)

    @property
    def total_changes(self):
        self._check()
        return _pgsqlite.total_changes(self._h)

    def cursor(self, factory=None):
        self._check()
        cur = (factory or Cursor)(self)
        return cur

    def execute(self, sql, parameters=None):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        return self.cursor().executemany(sql, seq_of_parameters)

    def executescript(self, sql_script):
        return self.cursor().executescript(sql_script)

    def commit(self):
        self._check()
        if _pgsqlite.in_transaction(self._h):
            _pgsqlite.execute(self._h, "COMMIT", None)

    def rollback(self):
        self._check()
        if _pgsqlite.in_transaction(self._h):
            _pgsqlite.execute(self._h, "ROLLBACK", None)

    def close(self):
        if not self._closed:
            _pgsqlite.close(self._h)
            self._closed = True

    def __enter__(self):
        self._check()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.commit()
            except BaseException:
                self.rollback()
                raise
        else:
            self.rollback()
        return False

    def create_function(self, name, narg, func, *, deterministic=False):
        self._check()
        _pgsqlite.create_function(self._h, name, narg, func, deterministic)

    def create_aggregate(self, name, n_arg, aggregate_class):
        self._check()
        _pgsqlite.create_aggregate(self._h, name, n_arg, aggregate_class)

    def create_collation(self, name, callable):
        raise NotSupportedError("create_collation is not supported by pyguest's sqlite3")


def connect(database, timeout=5.0, detect_types=0, isolation_level="",
            check_same_thread=True, factory=Connection, cached_statements=128, uri=False):
    """Opens a connection to the SQLite database file `database` (":memory:" for a
    database in memory)."""
    return factory(database, timeout, detect_types, isolation_level, check_same_thread,
                   None, cached_statements, uri)


def _adapt_date(d):
    return d.isoformat()


def _adapt_datetime(d):
    return d.isoformat(" ")


def _register_datetime_adapters():
    import sys
    dt = sys.modules.get("datetime")
    if dt is None:
        import datetime as dt
    register_adapter(dt.date, _adapt_date)
    register_adapter(dt.datetime, _adapt_datetime)


_register_datetime_adapters()
