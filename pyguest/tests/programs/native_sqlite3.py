# sqlite3 over the bundled SQLite: connect, execute/executemany/executescript, fetches,
# ? and :name parameters, type mapping, Row, row_factory, errors, commit/rollback, with.
import sqlite3, os, tempfile

print(sqlite3.paramstyle, sqlite3.apilevel, isinstance(sqlite3.sqlite_version, str),
      len(sqlite3.sqlite_version_info) == 3, sqlite3.sqlite_version_info >= (3, 30, 0))
print(issubclass(sqlite3.IntegrityError, sqlite3.DatabaseError),
      issubclass(sqlite3.OperationalError, sqlite3.Error), issubclass(sqlite3.Error, Exception))

con = sqlite3.connect(":memory:")
cur = con.cursor()
cur.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, age INTEGER, score REAL, photo BLOB)")
print(cur.rowcount, cur.description, con.in_transaction)
cur.execute("INSERT INTO people (name, age, score, photo) VALUES (?, ?, ?, ?)", ("ann", 31, 1.5, b"\x00\x01"))
print(cur.rowcount, cur.lastrowid, con.in_transaction)
cur.executemany("INSERT INTO people (name, age, score) VALUES (?, ?, ?)",
                [("bob", 25, 2.25), ("cy", None, -0.5), ("dee", 40, 1e10)])
print(cur.rowcount, con.in_transaction)
cur.execute("INSERT INTO people (name, age) VALUES (:name, :age)", {"name": "eve", "age": 22})
print(cur.lastrowid)
con.commit()
print(con.in_transaction, con.total_changes)

cur.execute("SELECT id, name, age, score, photo FROM people ORDER BY id")
print(cur.description)
print(cur.fetchone())
print(cur.fetchmany(2))
print(cur.fetchall())
print(cur.fetchone(), cur.fetchall())
for row in con.execute("SELECT name, typeof(age), typeof(score) FROM people WHERE age > ? ORDER BY name", (24,)):
    print(row)
cur.arraysize = 2
cur.execute("SELECT name FROM people ORDER BY name DESC")
print(cur.fetchmany())
print(con.execute("SELECT count(*), sum(age), avg(score) FROM people").fetchone())
print(con.execute("SELECT ?, ?, ?, ?, ?", (None, 7, 2.5, "s\u00e9", b"by")).fetchone())
print(con.execute("SELECT 2 + 3 AS five, 'x' || 'y' AS xy").fetchone())
print(con.execute("UPDATE people SET age = age + 1 WHERE age IS NOT NULL").rowcount)
con.rollback()
print(con.execute("SELECT age FROM people WHERE name = 'ann'").fetchone())
print(con.execute("DELETE FROM people WHERE age < ?", (30,)).rowcount)
con.commit()

# Row factory
con.row_factory = sqlite3.Row
row = con.execute("SELECT id, name AS Name, age FROM people WHERE name = ?", ("ann",)).fetchone()
print(type(row).__name__, row.keys(), row[0], row["name"], row["NAME"], row[-1], tuple(row), len(row))
print(dict(zip(row.keys(), row)))
try:
    row["nope"]
except IndexError as e:
    print("IndexError:", e)
rows = con.execute("SELECT name FROM people ORDER BY name").fetchall()
print([r["name"] for r in rows])
con.row_factory = lambda cursor, r: {d[0]: v for d, v in zip(cursor.description, r)}
print(con.execute("SELECT name, age FROM people ORDER BY name LIMIT 1").fetchone())
con.row_factory = None

# errors
for sql, params in [("SELECT * FROM missing", ()), ("SELEC 1", ()),
                    ("INSERT INTO people (id, name) VALUES (1, 'dup')", ()),
                    ("INSERT INTO people (name) VALUES ('ann')", ()),
                    ("INSERT INTO people (name) VALUES (NULL)", ()),
                    ("SELECT ?, ?", (1,)), ("SELECT ?", ([1],)),
                    ("SELECT :a", {"b": 1}), ("SELECT 1; SELECT 2", ()),
                    ("SELECT ?", 5)]:
    try:
        con.execute(sql, params)
        print("no error for", sql)
    except sqlite3.Error as e:
        print(type(e).__name__ + ":", e)

# context manager: commit on success, rollback on error
with con:
    con.execute("INSERT INTO people (name, age) VALUES ('fay', 50)")
print(con.in_transaction, con.execute("SELECT count(*) FROM people WHERE name = 'fay'").fetchone())
try:
    with con:
        con.execute("INSERT INTO people (name, age) VALUES ('gus', 60)")
        raise RuntimeError("abort")
except RuntimeError as e:
    print("RuntimeError:", e)
print(con.execute("SELECT count(*) FROM people WHERE name = 'gus'").fetchone())
try:
    with con:
        con.execute("INSERT INTO people (name, age) VALUES ('hal', 1)")
        con.execute("INSERT INTO people (name, age) VALUES ('hal', 2)")
except sqlite3.IntegrityError as e:
    print("IntegrityError:", e)
print(con.execute("SELECT count(*) FROM people WHERE name = 'hal'").fetchone())

# executescript, autocommit
con.executescript("""
    CREATE TABLE kv (k TEXT PRIMARY KEY, v);
    INSERT INTO kv VALUES ('a', 1);
    INSERT INTO kv VALUES ('b', 'two');
""")
print(con.execute("SELECT * FROM kv ORDER BY k").fetchall(), con.in_transaction)
con.isolation_level = None
con.execute("INSERT INTO kv VALUES ('c', 3.0)")
print(con.in_transaction, con.isolation_level)
print(sqlite3.complete_statement("SELECT 1;"), sqlite3.complete_statement("SELECT 1"))
con.close()
try:
    con.execute("SELECT 1")
except sqlite3.ProgrammingError as e:
    print("ProgrammingError:", e)

# user-defined functions and aggregates
import math
fc = sqlite3.connect(":memory:")
fc.execute("CREATE TABLE v (x, s)")
fc.executemany("INSERT INTO v VALUES (?, ?)", [(i, "w" * i) for i in range(1, 6)])
fc.create_function("cube", 1, lambda x: x ** 3)
fc.create_function("cos", 1, math.cos, deterministic=True)
fc.create_function("joinargs", -1, lambda *a: "|".join(map(str, a)))
print(fc.execute("SELECT cube(x), joinargs(x, s, NULL) FROM v WHERE x < 3").fetchall())
print(all(c == math.cos(x) for x, c in fc.execute("SELECT x, cos(x) FROM v")))

class AvgLength:
    def __init__(self):
        self.total = 0
        self.count = 0
    def step(self, s):
        self.count += 1
        self.total += len(s)
    def finalize(self):
        return self.total / self.count

class Broken:
    def step(self, x):
        raise ValueError("no")
    def finalize(self):
        return 0

fc.create_aggregate("avglen", 1, AvgLength)
fc.create_aggregate("broken", 1, Broken)
print(fc.execute("SELECT avglen(s) FROM v").fetchone())
print(fc.execute("SELECT x % 2, avglen(s) FROM v GROUP BY x % 2 ORDER BY 1").fetchall())
fc.create_function("fails", 1, lambda x: 1 / 0)
for sql in ("SELECT fails(x) FROM v", "SELECT broken(x) FROM v"):
    try:
        fc.execute(sql).fetchall()
    except sqlite3.OperationalError as e:
        print("OperationalError:", e)
fc.close()

# a database file survives reconnection
d = tempfile.mkdtemp()
path = os.path.join(d, "t.db")
with sqlite3.connect(path) as c1:
    c1.execute("CREATE TABLE t (x)")
    c1.executemany("INSERT INTO t VALUES (?)", [(i * i,) for i in range(5)])
c1.close()
c2 = sqlite3.connect(path)
print(c2.execute("SELECT sum(x), max(x) FROM t").fetchone())
c2.close()
os.remove(path)
os.rmdir(d)
