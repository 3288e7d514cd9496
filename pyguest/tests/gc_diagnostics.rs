//! `_pggc._debug_path` (`modules/gcmod.rs` over `metatracer::gc::debug_retention_path`), the
//! tool that says why an object is still alive: it names the chain from a root to the object
//! (precise references included), and `None` for an object only the asking call holds; the
//! same with the JIT off, on, and with every loop traced at once.

use std::process::Command;

const PROGRAM: &str = r#"
import gc, _pggc, _pgweak, weakref
class A: pass
holder = {"k": [A()]}
w = weakref.ref(holder["k"][0])
p = _pggc._debug_path(w._h, _pgweak.get)
print(p[-1][0].endswith("InstanceObj"), any(s[0].endswith("ListObj") for s in p[1:-1]))
print(p[0][0] in ("stack", "pinned", "identity", "precise", "doomed"))
def f():
    a = A()
    return weakref.ref(a)
def loop(n):
    rs = []
    for i in range(n):
        rs.append(f())
    return rs[-1]
w2 = next(map(lambda _: loop(300), [0]))
print(_pggc._debug_path(w2._h, _pgweak.get))
gc.collect()
print(w2())
print(_pggc._debug_path(5), _pggc._debug_path(None))
try:
    _pggc._debug_path()
except TypeError as e:
    print(e)
"#;

const EXPECTED: &str = "True True
True
None
None
None None
_debug_path() takes exactly one argument (0 given)
";

#[test]
fn debug_path_names_the_chain_and_none_for_garbage() {
    for jit in [
        "off",
        "on",
        "threshold=1",
        "threshold=1,fail_guards_random=3",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_pyguest"))
            .args(["--jit", jit, "-c", PROGRAM])
            .output()
            .unwrap();
        assert!(out.status.success(), "--jit {jit}: {out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            EXPECTED,
            "--jit {jit}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `_pggc._heap_stats()`: the collector's counters by name; allocation moves
/// `bytes_allocated` and a collection counts as minor and major.
#[test]
fn heap_stats_count_allocations_and_collections() {
    let src = r#"
import _pggc, gc
a = _pggc._heap_stats()
keep = [[i] * 4 for i in range(100000)]
gc.collect()
b = _pggc._heap_stats()
print(sorted(a) == sorted(b), len(a))
print(b["bytes_allocated"] - a["bytes_allocated"] > 1000000)
print(b["minor_collections"] > a["minor_collections"], b["major_collections"] > a["major_collections"])
print(b["heap_bytes"] <= b["peak_heap_bytes"], b["old_bytes"] > 0, len(keep))
"#;
    let out = Command::new(env!("CARGO_BIN_EXE_pyguest"))
        .args(["-c", src])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "True 9\nTrue\nTrue True\nTrue True 100000\n"
    );
}
