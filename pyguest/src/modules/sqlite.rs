//! `_pgsqlite`: the native half of pyguest's `sqlite3` (`pyguest/lib/sqlite3.py`), over a
//! real SQLite (the `rusqlite` crate with its `bundled` feature, so SQLite's C source is
//! compiled into the binary and no system library is needed).
//!
//! Connections live in a per-thread table and Python holds their index. `execute(h, sql,
//! params)` prepares the statement (through rusqlite's statement cache, so `executemany`
//! does not re-parse), binds `?`/`?NNN` parameters from a sequence or `:name`/`@name`/`$name`
//! from a mapping, steps it to the end and returns every row at once (so a cursor's fetches
//! are list reads; very large results are held in memory). Types map as in CPython: None,
//! int, float, str and bytes/bytearray in; NULL, INTEGER, REAL, TEXT and BLOB out. Errors are
//! raised as the DB-API classes that `sqlite3.py` registers with `set_errors` (a constraint
//! failure is `IntegrityError`, a misuse `ProgrammingError`, the rest `OperationalError`).
//! User-defined SQL functions and aggregates (`create_function`, `create_aggregate`) call
//! back into Python while the statement runs; the connection table is borrowed then, so such
//! a callback that uses a connection gets a `ProgrammingError` rather than a re-entrant
//! borrow. Apart from those callbacks, no Python code runs while the table is borrowed.

use super::native_class::{arg, opt_arg};
use super::*;
use crate::argvec::ArgVec;
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, ErrorCode};

thread_local! {
    static CONNS: RefCell<Vec<Option<Connection>>> = const { RefCell::new(Vec::new()) };
    static ERRORS: RefCell<Option<Root<DictObj>>> = const { RefCell::new(None) };
    /// The Python callables of user-defined SQL functions and aggregate classes, and the
    /// live aggregate instances; SQLite's callbacks hold indexes into it.
    static CALLBACKS: RefCell<Option<Root<ListObj>>> = const { RefCell::new(None) };
}

fn callbacks() -> Gc<ListObj> {
    CALLBACKS.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = Some(Root::new(new_list_cap(4)));
        }
        c.as_ref().expect("set above").get()
    })
}

/// Stores `v` in the callback list; its index.
fn keep(v: Value) -> usize {
    let l = callbacks();
    l.push(v);
    l.len() - 1
}

fn value_ref_to_py(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::NONE,
        ValueRef::Integer(n) => new_int(n),
        ValueRef::Real(f) => new_float(f),
        ValueRef::Text(t) => new_string(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => new_bytes(b.to_vec(), false),
    }
}

fn user_error(msg: &str) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(msg.to_string().into())
}

/// Calls `f` with the SQL arguments of `ctx`; the result as an SQLite value.
fn call_with_sql_args(
    f: Value,
    ctx: &rusqlite::functions::Context<'_>,
    what: &str,
) -> rusqlite::Result<SqlValue> {
    let args: ArgVec = (0..ctx.len())
        .map(|i| value_ref_to_py(ctx.get_raw(i)))
        .collect();
    let r = ops::call(f, &args).map_err(|_| user_error(what))?;
    to_sql(r, 0).map_err(|_| user_error(what))
}

/// A Python aggregate class: an instance per group, `step(*args)` per row, `finalize()`.
struct PyAggregate {
    class: usize,
}

impl rusqlite::functions::Aggregate<usize, SqlValue> for PyAggregate {
    fn init(&self, _: &mut rusqlite::functions::Context<'_>) -> rusqlite::Result<usize> {
        let inst = ops::call(callbacks().get(self.class), &[])
            .map_err(|_| user_error("user-defined aggregate's '__init__' method raised error"))?;
        Ok(keep(inst))
    }

    fn step(
        &self,
        ctx: &mut rusqlite::functions::Context<'_>,
        acc: &mut usize,
    ) -> rusqlite::Result<()> {
        let inst = callbacks().get(*acc);
        let step = ops::getattr(inst, vm::intern("step"))
            .map_err(|_| user_error("user-defined aggregate's 'step' method raised error"))?;
        let args: ArgVec = (0..ctx.len())
            .map(|i| value_ref_to_py(ctx.get_raw(i)))
            .collect();
        ops::call(step, &args)
            .map_err(|_| user_error("user-defined aggregate's 'step' method raised error"))?;
        Ok(())
    }

    fn finalize(
        &self,
        _: &mut rusqlite::functions::Context<'_>,
        acc: Option<usize>,
    ) -> rusqlite::Result<SqlValue> {
        let what = "user-defined aggregate's 'finalize' method raised error";
        let inst = match acc {
            Some(i) => {
                let l = callbacks();
                let inst = l.get(i);
                l.set(i, Value::NONE);
                inst
            }
            None => ops::call(callbacks().get(self.class), &[]).map_err(|_| user_error(what))?,
        };
        let r = ops::call_method(inst, "finalize", &[]).map_err(|_| user_error(what))?;
        to_sql(r, 0).map_err(|_| user_error(what))
    }
}

/// create_function(handle, name, narg, func, deterministic) / create_aggregate(handle, name,
/// narg, class) (`kind` says which).
fn create(a: Args, aggregate: bool) -> PyResult<Value> {
    use rusqlite::functions::FunctionFlags;
    let func = if aggregate {
        "create_aggregate"
    } else {
        "create_function"
    };
    let h = handle(&a, func)?;
    let name = sql_arg(&a, 1, func)?;
    let narg = index_of(arg(&a, 2, "narg", func)?)?;
    let narg = i32::try_from(narg)
        .ok()
        .filter(|&n| (-1..=127).contains(&n))
        .ok_or_else(|| db_error("ProgrammingError", "narg must be between -1 and 127"))?;
    let callable = arg(&a, 3, "func", func)?;
    let mut flags = FunctionFlags::SQLITE_UTF8;
    if opt_arg(&a, 4, "deterministic")
        .map(ops::truthy)
        .transpose()?
        == Some(true)
    {
        flags |= FunctionFlags::SQLITE_DETERMINISTIC;
    }
    let slot = keep(callable);
    with_conn(h, |conn| {
        if aggregate {
            conn.create_aggregate_function(name.as_str(), narg, flags, PyAggregate { class: slot })
        } else {
            conn.create_scalar_function(name.as_str(), narg, flags, move |ctx| {
                call_with_sql_args(
                    callbacks().get(slot),
                    ctx,
                    "user-defined function raised exception",
                )
            })
        }
    })?
    .map_err(sql_error)?;
    Ok(Value::NONE)
}

/// An exception of the registered DB-API class `kind` (or `RuntimeError` before
/// `set_errors`).
fn db_error(kind: &str, msg: impl Into<String>) -> crate::interpreter::PyErr {
    let msg = new_string(msg.into());
    let c = ERRORS.with(|e| e.borrow().as_ref().and_then(|d| d.get().get_str(kind)));
    let c = c.unwrap_or(Value::obj(vm::cls(C::RuntimeError)));
    match ops::call(c, &[msg]) {
        Ok(exc) => crate::interpreter::PyErr(exc),
        Err(e) => e,
    }
}

/// The DB-API class for an SQLite result code.
fn kind_of(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::ConstraintViolation => "IntegrityError",
        ErrorCode::ApiMisuse => "ProgrammingError",
        ErrorCode::InternalMalfunction => "InternalError",
        ErrorCode::TooBig => "DataError",
        ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => "DatabaseError",
        _ => "OperationalError",
    }
}

fn sql_error(e: rusqlite::Error) -> crate::interpreter::PyErr {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) => {
            let text = msg.clone().unwrap_or_else(|| e.to_string());
            db_error(kind_of(f.code), text)
        }
        // a syntax error: SQLite's message, without rusqlite's "in SQL at offset N"
        rusqlite::Error::SqlInputError { error, msg, .. } => db_error(kind_of(error.code), msg),
        rusqlite::Error::MultipleStatement => db_error(
            "ProgrammingError",
            "You can only execute one statement at a time.",
        ),
        rusqlite::Error::Utf8Error(_) | rusqlite::Error::NulError(_) => {
            db_error("ProgrammingError", e.to_string())
        }
        _ => db_error("OperationalError", e.to_string()),
    }
}

fn handle(a: &Args, func: &str) -> PyResult<usize> {
    let h = index_of(arg(a, 0, "handle", func)?)?;
    usize::try_from(h).map_err(|_| value_error("bad connection handle"))
}

/// Runs `f` on open connection `h`.
fn with_conn<R>(h: usize, f: impl FnOnce(&mut Connection) -> R) -> PyResult<R> {
    CONNS.with(|c| {
        // a user-defined function calling back into a connection while a statement runs
        let Ok(mut table) = c.try_borrow_mut() else {
            return Err(db_error(
                "ProgrammingError",
                "a connection cannot be used from inside a user-defined SQL function",
            ));
        };
        match table.get_mut(h) {
            Some(Some(conn)) => Ok(f(conn)),
            _ => Err(db_error(
                "ProgrammingError",
                "Cannot operate on a closed database.",
            )),
        }
    })
}

fn sql_arg(a: &Args, i: usize, func: &str) -> PyResult<String> {
    let v = arg(a, i, "sql", func)?;
    match as_str(v) {
        Some(s) => Ok(s.s.to_string()),
        None => Err(type_error(format!(
            "{func}() argument 1 must be str, not {}",
            vm::type_name(v)
        ))),
    }
}

/// The SQLite value for a Python parameter (`index` counts from 1, for the message).
fn to_sql(v: Value, index: usize) -> PyResult<SqlValue> {
    if v.is_none() {
        return Ok(SqlValue::Null);
    }
    if let Some(i) = ops::int_of(v) {
        return Ok(SqlValue::Integer(i));
    }
    if let Some(b) = as_bigint(v) {
        return b.v.to_i64().map(SqlValue::Integer).ok_or_else(|| {
            vm::exc(
                C::OverflowError,
                "Python int too large to convert to SQLite INTEGER",
            )
        });
    }
    if let Some(f) = as_float_obj(v) {
        return Ok(SqlValue::Real(f.v));
    }
    if let Some(s) = as_str(v) {
        return Ok(SqlValue::Text(s.s.to_string()));
    }
    if let Some(b) = ops::bytes_like(v) {
        return Ok(SqlValue::Blob(b));
    }
    Err(db_error(
        "ProgrammingError",
        format!(
            "Error binding parameter {index}: type '{}' is not supported",
            vm::type_name(v)
        ),
    ))
}

fn from_sql(v: &SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::NONE,
        SqlValue::Integer(i) => new_int(*i),
        SqlValue::Real(f) => new_float(*f),
        SqlValue::Text(s) => new_str(s),
        SqlValue::Blob(b) => new_bytes(b.clone(), false),
    }
}

/// The bound values for a statement with parameter names `names` (None: `?`).
fn bind_values(names: &[Option<String>], params: Value) -> PyResult<Vec<SqlValue>> {
    if params.is_none() {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        return Err(db_error(
            "ProgrammingError",
            format!(
                "Incorrect number of bindings supplied. The current statement uses {}, and \
                 there are 0 supplied.",
                names.len()
            ),
        ));
    }
    let is_mapping = as_dict(params).is_some()
        || (as_tuple(params).is_none()
            && as_list(params).is_none()
            && ops::getattr_opt(params, vm::intern("keys"))?.is_some());
    let mut out = Vec::with_capacity(names.len());
    if is_mapping {
        for (i, name) in names.iter().enumerate() {
            let Some(name) = name.as_deref().filter(|n| !n.starts_with('?')) else {
                return Err(db_error(
                    "ProgrammingError",
                    format!(
                        "Binding {} has no name, but you supplied a dictionary (which has \
                         only names).",
                        i + 1
                    ),
                ));
            };
            let key = new_str(&name[1..]);
            let v = match ops::getitem(params, key) {
                Ok(v) => v,
                Err(e) if vm::exc_matches(&e, C::KeyError) => {
                    return Err(db_error(
                        "ProgrammingError",
                        format!("You did not supply a value for binding parameter {name}."),
                    ))
                }
                Err(e) => return Err(e),
            };
            out.push(to_sql(v, i + 1)?);
        }
        return Ok(out);
    }
    if as_str(params).is_some()
        || ops::bytes_like(params).is_some()
        || ops::getattr_opt(params, vm::intern("__len__"))?.is_none()
    {
        return Err(db_error(
            "ProgrammingError",
            "parameters are of unsupported type",
        ));
    }
    let items: ArgVec = crate::objects::native::seq_items(params)?;
    if items.len() != names.len() {
        return Err(db_error(
            "ProgrammingError",
            format!(
                "Incorrect number of bindings supplied. The current statement uses {}, and \
                 there are {} supplied.",
                names.len(),
                items.len()
            ),
        ));
    }
    for (i, &v) in items.iter().enumerate() {
        out.push(to_sql(v, i + 1)?);
    }
    Ok(out)
}

/// What one statement produced.
struct Outcome {
    columns: Option<Vec<String>>,
    rows: Vec<Vec<SqlValue>>,
    changes: u64,
    lastrowid: i64,
}

fn param_names(h: usize, sql: &str) -> PyResult<Vec<Option<String>>> {
    with_conn(h, |conn| {
        let stmt = conn.prepare_cached(sql)?;
        Ok((1..=stmt.parameter_count())
            .map(|i| stmt.parameter_name(i).map(str::to_string))
            .collect())
    })?
    .map_err(sql_error)
}

/// Column indexes at or above this mark a column whose TEXT is not UTF-8 (an error value
/// rusqlite never produces itself, carried out of the closure).
const BAD_TEXT: usize = usize::MAX / 2;

fn bad_text(col: usize) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnIndex(BAD_TEXT + col)
}

fn run(h: usize, sql: &str, values: Vec<SqlValue>) -> PyResult<Outcome> {
    with_conn(h, |conn| -> rusqlite::Result<Outcome> {
        let mut stmt = conn.prepare_cached(sql)?;
        for (i, v) in values.iter().enumerate() {
            stmt.raw_bind_parameter(i + 1, v)?;
        }
        let ncol = stmt.column_count();
        let columns = (ncol > 0).then(|| {
            stmt.column_names()
                .into_iter()
                .map(str::to_string)
                .collect()
        });
        let mut rows = Vec::new();
        {
            let mut q = stmt.raw_query();
            while let Some(row) = q.next()? {
                let mut r = Vec::with_capacity(ncol);
                for i in 0..ncol {
                    r.push(match row.get_ref(i)? {
                        ValueRef::Null => SqlValue::Null,
                        ValueRef::Integer(n) => SqlValue::Integer(n),
                        ValueRef::Real(f) => SqlValue::Real(f),
                        ValueRef::Text(t) => SqlValue::Text(
                            std::str::from_utf8(t).map_err(|_| bad_text(i))?.to_string(),
                        ),
                        ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
                    });
                }
                rows.push(r);
            }
        }
        drop(stmt);
        Ok(Outcome {
            columns,
            rows,
            changes: conn.changes(),
            lastrowid: conn.last_insert_rowid(),
        })
    })?
    .map_err(|e| match e {
        rusqlite::Error::InvalidColumnIndex(i) if i >= BAD_TEXT => db_error(
            "OperationalError",
            format!("Could not decode to UTF-8 column {}", i - BAD_TEXT),
        ),
        e => sql_error(e),
    })
}

/// execute(handle, sql, params) -> (column names or None, rows, changes, lastrowid)
fn execute(a: Args) -> PyResult<Value> {
    let h = handle(&a, "execute")?;
    let sql = sql_arg(&a, 1, "execute")?;
    let params = opt_arg(&a, 2, "params").unwrap_or(Value::NONE);
    let names = param_names(h, &sql)?;
    let values = bind_values(&names, params)?;
    let out = run(h, &sql, values)?;
    let columns = match &out.columns {
        None => Value::NONE,
        Some(c) => {
            let names: ArgVec = c.iter().map(|s| new_str(s)).collect();
            new_tuple(&names)
        }
    };
    let rows = new_list_cap(out.rows.len());
    for r in &out.rows {
        let items: ArgVec = r.iter().map(from_sql).collect();
        rows.push(new_tuple(&items));
    }
    Ok(new_tuple(&[
        columns,
        Value::obj(rows),
        new_int(out.changes as i64),
        new_int(out.lastrowid),
    ]))
}

/// The `_pgsqlite` module.
pub fn make() -> Gc<ModuleObj> {
    let m = new_module("_pgsqlite", None);
    m.dict
        .set_str("sqlite_version", new_str(rusqlite::version()));
    def(m, "set_errors", |a| {
        let d = as_dict(arg(&a, 0, "classes", "set_errors")?)
            .ok_or_else(|| type_error("set_errors() wants a dict"))?;
        ERRORS.with(|e| *e.borrow_mut() = Some(Root::new(d)));
        Ok(Value::NONE)
    });
    def(m, "connect", |a| {
        let v = arg(&a, 0, "database", "connect")?;
        let path = match as_str(v) {
            Some(s) => s.s.to_string(),
            None => return Err(type_error("connect(): database must be a str")),
        };
        let conn = Connection::open(&path).map_err(sql_error)?;
        CONNS.with(|c| {
            let mut c = c.borrow_mut();
            c.push(Some(conn));
            Ok(new_int(c.len() as i64 - 1))
        })
    });
    def(m, "close", |a| {
        let h = handle(&a, "close")?;
        let conn = CONNS.with(|c| c.borrow_mut().get_mut(h).and_then(Option::take));
        if let Some(conn) = conn {
            conn.close().map_err(|(_, e)| sql_error(e))?;
        }
        Ok(Value::NONE)
    });
    def(m, "execute", execute);
    def(m, "create_function", |a| create(a, false));
    def(m, "create_aggregate", |a| create(a, true));
    def(m, "executescript", |a| {
        let h = handle(&a, "executescript")?;
        let sql = sql_arg(&a, 1, "executescript")?;
        with_conn(h, |conn| conn.execute_batch(&sql))?.map_err(sql_error)?;
        Ok(Value::NONE)
    });
    def(m, "in_transaction", |a| {
        let h = handle(&a, "in_transaction")?;
        Ok(Value::bool(!with_conn(h, |conn| conn.is_autocommit())?))
    });
    def(m, "total_changes", |a| {
        let h = handle(&a, "total_changes")?;
        // SAFETY: the handle is the open connection's own, used on this thread only.
        let n = with_conn(h, |conn| unsafe {
            rusqlite::ffi::sqlite3_total_changes64(conn.handle())
        })?;
        Ok(new_int(n))
    });
    def(m, "complete_statement", |a| {
        let sql = sql_arg(&a, 0, "complete_statement")?;
        let c = std::ffi::CString::new(sql).map_err(|_| value_error("embedded null byte"))?;
        // SAFETY: `c` is a valid NUL-terminated string.
        Ok(Value::bool(
            unsafe { rusqlite::ffi::sqlite3_complete(c.as_ptr()) } != 0,
        ))
    });
    m
}
