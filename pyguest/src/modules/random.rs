//! Native `_mt19937` module: the hot core of `random` (pyguest/lib/random.py), i.e. the
//! MT19937 generator with CPython's seeding (`init_by_array` over the 32-bit words of the
//! seed), `random()`, `getrandbits(k)`, `_randbelow(n)`, state get/set and SHA-512 (for
//! version-2 str/bytes seeds). The rest of `random` (ranges, choices, distributions) stays
//! in Python and consumes this stream in CPython's order, so programs print the same
//! numbers as CPython for the same seed.
//!
//! The generator state is a `bytearray` of 625 little-endian 32-bit words (624 words of
//! state, then the index of the next word), owned by the Python `Random` instance; it needs
//! no new object kind and `getstate`/`setstate` stay plain tuples. Every function checks
//! that it got such a state and raises `TypeError` otherwise.

use crate::import::new_module;
use crate::interpreter::PyResult;
use crate::objects::ops::{self, int_of};
use crate::objects::*;
use crate::value::Value;
use crate::vm::{self, type_error, value_error};
use metatracer::gc::Gc;
use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{Signed, ToPrimitive};
use sha2::{Digest, Sha512};

const N: usize = 624;
const M: usize = 397;
const STATE_BYTES: usize = (N + 1) * 4;

/// The `_mt19937.state()` bytearray behind `v`. Callers take `.data()` only for stretches
/// of code that allocate no GC objects (the words are read and written in place).
fn state(v: Value) -> PyResult<Gc<BytesObj>> {
    match as_bytearray(v) {
        Some(b) if b.data().len() == STATE_BYTES => Ok(b),
        _ => Err(type_error(
            "_mt19937: expected a generator state from _mt19937.state()",
        )),
    }
}

#[inline(always)]
fn word(d: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([d[4 * i], d[4 * i + 1], d[4 * i + 2], d[4 * i + 3]])
}

#[inline(always)]
fn set_word(d: &mut [u8], i: usize, w: u32) {
    d[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
}

fn load(d: &[u8]) -> [u32; N] {
    let mut mt = [0u32; N];
    for (i, w) in mt.iter_mut().enumerate() {
        *w = word(d, i);
    }
    mt
}

fn store(d: &mut [u8], mt: &[u32; N], index: u32) {
    for (i, &w) in mt.iter().enumerate() {
        set_word(d, i, w);
    }
    set_word(d, N, index);
}

fn init_genrand(mt: &mut [u32; N], s: u32) {
    mt[0] = s;
    for i in 1..N {
        let prev = mt[i - 1];
        mt[i] = 1812433253u32
            .wrapping_mul(prev ^ (prev >> 30))
            .wrapping_add(i as u32);
    }
}

fn init_by_array(key: &[u32]) -> [u32; N] {
    let mut mt = [0u32; N];
    init_genrand(&mut mt, 19650218);
    let (mut i, mut j) = (1usize, 0usize);
    for _ in 0..N.max(key.len()) {
        let prev = mt[i - 1];
        mt[i] = (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1664525))
            .wrapping_add(key[j])
            .wrapping_add(j as u32);
        i += 1;
        j += 1;
        if i >= N {
            mt[0] = mt[N - 1];
            i = 1;
        }
        if j >= key.len() {
            j = 0;
        }
    }
    for _ in 0..N - 1 {
        let prev = mt[i - 1];
        mt[i] = (mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1566083941)).wrapping_sub(i as u32);
        i += 1;
        if i >= N {
            mt[0] = mt[N - 1];
            i = 1;
        }
    }
    mt[0] = 0x8000_0000;
    mt
}

fn twist(mt: &mut [u32; N]) {
    for kk in 0..N {
        let y = (mt[kk] & 0x8000_0000) | (mt[(kk + 1) % N] & 0x7fff_ffff);
        let mut v = mt[(kk + M) % N] ^ (y >> 1);
        if y & 1 != 0 {
            v ^= 0x9908_b0df;
        }
        mt[kk] = v;
    }
}

/// The next tempered 32-bit output.
fn genrand32(d: &mut [u8]) -> u32 {
    let mut idx = word(d, N) as usize;
    if idx >= N {
        let mut mt = load(d);
        twist(&mut mt);
        store(d, &mt, 0);
        idx = 0;
    }
    let mut y = word(d, idx);
    set_word(d, N, idx as u32 + 1);
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c_5680;
    y ^= (y << 15) & 0xefc6_0000;
    y ^ (y >> 18)
}

fn random(d: &mut [u8]) -> f64 {
    let a = (genrand32(d) >> 5) as f64;
    let b = (genrand32(d) >> 6) as f64;
    (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)
}

/// `k` random bits (k >= 1) as the little-endian 32-bit words CPython builds them from.
fn getrandbits_words(d: &mut [u8], k: u64) -> Vec<u32> {
    let n = k.div_ceil(32) as usize;
    let mut words = Vec::with_capacity(n);
    let mut left = k;
    for _ in 0..n {
        let mut r = genrand32(d);
        if left < 32 {
            r >>= 32 - left;
        }
        words.push(r);
        left = left.saturating_sub(32);
    }
    words
}

fn getrandbits(d: &mut [u8], k: u64) -> Value {
    if k == 0 {
        return Value::small(0);
    }
    if k <= 32 {
        return new_int((genrand32(d) >> (32 - k)) as i64);
    }
    let words = getrandbits_words(d, k);
    if k <= 63 {
        return new_int((words[0] as u64 | ((words[1] as u64) << 32)) as i64);
    }
    new_bigint(BigInt::from_biguint(Sign::Plus, BigUint::new(words)))
}

/// [`randbelow`] for `0 < n < 2**63`.
fn randbelow_u64(d: &mut [u8], n: u64) -> u64 {
    let k = 64 - n.leading_zeros() as u64;
    loop {
        let r = if k <= 32 {
            (genrand32(d) >> (32 - k)) as u64
        } else {
            let lo = genrand32(d) as u64;
            let hi = (genrand32(d) >> (64 - k)) as u64;
            lo | (hi << 32)
        };
        if r < n {
            return r;
        }
    }
}

/// A uniform integer in `[0, n)` for `n > 0`: draws `bit_length(n)` bits until below `n`.
fn randbelow(d: &mut [u8], n: &BigInt) -> Value {
    if let Some(n) = n.to_u64() {
        return new_int(randbelow_u64(d, n) as i64);
    }
    let k = n.bits();
    let n = n.magnitude();
    loop {
        let r = BigUint::new(getrandbits_words(d, k));
        if &r < n {
            return new_bigint(BigInt::from_biguint(Sign::Plus, r));
        }
    }
}

/// An int argument (CPython's message for anything else).
fn int_arg(v: Value) -> PyResult<BigInt> {
    ops::big_of(v).ok_or_else(|| {
        type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm::type_name(v)
        ))
    })
}

fn def(m: Gc<ModuleObj>, name: &'static str, f: NativeFn) {
    m.dict.set_str(name, new_builtin(name, f));
}

fn nargs(a: &Args, n: usize, name: &str) -> PyResult<()> {
    if a.pos.len() != n || !a.kwnames.is_empty() {
        return Err(type_error(format!(
            "_mt19937.{name}() takes exactly {n} positional arguments ({} given)",
            a.pos.len()
        )));
    }
    Ok(())
}

/// `_mt19937.random(state)` as a builtin bound to `state` (what the module-level
/// `random.random` is, so the hottest call skips a Python frame).
fn bound(name: &'static str, f: NativeFn, st: Value) -> Value {
    Value::obj(metatracer::gc::alloc(BuiltinObj {
        kind: crate::value::Kind::Builtin,
        name,
        f,
        bound: st,
        sig: &crate::objects::sig::UNCHECKED,
    }))
}

fn f_random(a: Args) -> PyResult<Value> {
    nargs(&a, 1, "random")?;
    let x = random(state(a.pos[0])?.data());
    Ok(new_float(x))
}

fn f_getrandbits(a: Args) -> PyResult<Value> {
    nargs(&a, 2, "getrandbits")?;
    let st = state(a.pos[0])?;
    let k = int_arg(a.pos[1])?;
    if k.is_negative() {
        return Err(value_error("number of bits must be non-negative"));
    }
    let k = k
        .to_u64()
        .filter(|&k| k <= 1 << 36)
        .ok_or_else(|| vm::overflow("Python int too large to convert to C int"))?;
    Ok(getrandbits(st.data(), k))
}

fn f_randbelow(a: Args) -> PyResult<Value> {
    nargs(&a, 2, "randbelow")?;
    let st = state(a.pos[0])?;
    if let Some(n) = int_of(a.pos[1]) {
        if n > 0 {
            return Ok(new_int(randbelow_u64(st.data(), n as u64) as i64));
        }
    }
    let n = int_arg(a.pos[1])?;
    if !n.is_positive() {
        return Err(value_error("empty range for randbelow"));
    }
    Ok(randbelow(st.data(), &n))
}

/// `_mt19937.make_module()`: the module object.
pub fn make_module() -> Gc<ModuleObj> {
    let m = new_module("_mt19937", None);
    def(m, "state", |_| {
        let mut v = vec![0u8; STATE_BYTES];
        set_word(&mut v, N, N as u32 + 1);
        Ok(new_bytes(v, true))
    });
    // seed(state, n): CPython's init_by_array over the 32-bit words of abs(n)
    def(m, "seed", |a| {
        nargs(&a, 2, "seed")?;
        let st = state(a.pos[0])?;
        let n = int_arg(a.pos[1])?;
        let mut key = n.magnitude().to_u32_digits();
        if key.is_empty() {
            key.push(0);
        }
        let mt = init_by_array(&key);
        store(st.data(), &mt, N as u32);
        Ok(Value::NONE)
    });
    def(m, "random", f_random);
    def(m, "getrandbits", f_getrandbits);
    def(m, "randbelow", f_randbelow);
    def(m, "bound_random", |a| {
        nargs(&a, 1, "bound_random")?;
        state(a.pos[0])?;
        Ok(bound("random", f_random, a.pos[0]))
    });
    def(m, "bound_randbelow", |a| {
        nargs(&a, 1, "bound_randbelow")?;
        state(a.pos[0])?;
        Ok(bound("_randbelow", f_randbelow, a.pos[0]))
    });
    def(m, "bound_getrandbits", |a| {
        nargs(&a, 1, "bound_getrandbits")?;
        state(a.pos[0])?;
        Ok(bound("getrandbits", f_getrandbits, a.pos[0]))
    });
    def(m, "getstate", |a| {
        nargs(&a, 1, "getstate")?;
        let st = state(a.pos[0])?;
        let words: Vec<u32> = (0..=N).map(|i| word(st.data(), i)).collect();
        let items: Vec<Value> = words.iter().map(|&w| Value::small(w as i64)).collect();
        Ok(new_tuple(&items))
    });
    // setstate(state, words): 624 state words and the index (checked by the caller)
    def(m, "setstate", |a| {
        nargs(&a, 2, "setstate")?;
        let st = state(a.pos[0])?;
        let items = crate::objects::native::seq_items(a.pos[1])?;
        if items.len() != N + 1 {
            return Err(value_error("state vector is the wrong size"));
        }
        let mut mt = [0u32; N];
        for (i, w) in mt.iter_mut().enumerate() {
            let v = int_arg(items[i])?;
            let m32 = (v % BigInt::from(1u64 << 32) + BigInt::from(1u64 << 32))
                % BigInt::from(1u64 << 32);
            *w = m32.to_u32().unwrap_or(0);
        }
        let idx = int_arg(items[N])?;
        let idx = idx
            .to_u32()
            .filter(|&i| i as usize <= N)
            .ok_or_else(|| value_error("invalid state"))?;
        store(st.data(), &mt, idx);
        Ok(Value::NONE)
    });
    def(m, "sha512", |a| {
        nargs(&a, 1, "sha512")?;
        let data = as_bytes(a.pos[0])
            .or_else(|| as_bytearray(a.pos[0]))
            .ok_or_else(|| type_error("sha512() argument must be bytes"))?;
        let digest = Sha512::digest(data.data().as_slice());
        Ok(new_bytes(digest.to_vec(), false))
    });
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values from CPython 3.11: `random.seed(5); [random.getrandbits(32) for _
    /// in range(3)]` and `random.seed(5); random.random()`.
    #[test]
    fn stream_matches_cpython() {
        let mut d = vec![0u8; STATE_BYTES];
        let mt = init_by_array(&[5]);
        store(&mut d, &mt, N as u32);
        let w: Vec<u32> = (0..3).map(|_| genrand32(&mut d)).collect();
        assert_eq!(w, REF_WORDS_SEED5);
        let mt = init_by_array(&[5]);
        store(&mut d, &mt, N as u32);
        assert_eq!(random(&mut d), REF_RANDOM_SEED5);
    }

    const REF_WORDS_SEED5: [u32; 3] = [2675342405, 1097127993, 3185950873];
    const REF_RANDOM_SEED5: f64 = 0.6229016948897019;
}
