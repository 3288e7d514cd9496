//! Signed 64-bit division by a constant without `idiv`: the multiplier and shift of Granlund
//! and Montgomery (as derived in Hacker's Delight, section 10-1), which the backend uses for
//! `int_div`/`int_mod` whose divisor is a constant.
//!
//! For a divisor `d` with `|d| >= 2` there are `m` (an `i64`) and `s` (`0 <= s < 64`) such that
//! for every `n`
//!
//! ```text
//! t = high 64 bits of the 128-bit product m * n      (imul)
//! t = t + n   if d > 0 and m < 0;   t = t - n   if d < 0 and m > 0
//! q = (t >> s) + (1 if t < 0 else 0)                 (arithmetic shift, then round to zero)
//! ```
//!
//! is `n / d` truncated toward zero (Rust's `/`), and `n - q * d` is Rust's `%` (the sign of
//! `n`). Divisors 0, 1 and -1 are not handled here (the backend keeps `idiv` for them; a trace
//! guards against 0 and against `MIN / -1` before it divides). [`eval`] is the same sequence
//! in Rust, which the tests compare with `/` over edge cases and many random dividends.

/// The multiplier and shift for divisor `d`, or `None` for `d` in `{-1, 0, 1}`.
pub fn magic(d: i64) -> Option<(i64, u32)> {
    if (-1..=1).contains(&d) {
        return None;
    }
    const TWO63: u64 = 1 << 63;
    let ad = d.unsigned_abs();
    let t = TWO63 + ((d as u64) >> 63);
    // |nc|: the largest dividend that is one less than a multiple of |d| (sign-adjusted).
    let anc = t - 1 - t % ad;
    let mut p: u32 = 63;
    let (mut q1, mut r1) = (TWO63 / anc, TWO63 % anc);
    let (mut q2, mut r2) = (TWO63 / ad, TWO63 % ad);
    loop {
        p += 1;
        // q1 = 2^p / |nc|, r1 = the remainder (both kept by doubling).
        q1 = q1.wrapping_mul(2);
        r1 = r1.wrapping_mul(2);
        if r1 >= anc {
            q1 = q1.wrapping_add(1);
            r1 = r1.wrapping_sub(anc);
        }
        // q2 = 2^p / |d|, r2 = the remainder.
        q2 = q2.wrapping_mul(2);
        r2 = r2.wrapping_mul(2);
        if r2 >= ad {
            q2 = q2.wrapping_add(1);
            r2 = r2.wrapping_sub(ad);
        }
        let delta = ad - r2;
        if !(q1 < delta || (q1 == delta && r1 == 0)) {
            break;
        }
    }
    let m = q2.wrapping_add(1) as i64;
    Some((if d < 0 { m.wrapping_neg() } else { m }, p - 64))
}

/// `n / d` computed the way the generated code computes it (for the tests).
#[cfg(test)]
pub fn eval(n: i64, d: i64) -> Option<i64> {
    let (m, s) = magic(d)?;
    let mut t = ((m as i128 * n as i128) >> 64) as i64;
    if d > 0 && m < 0 {
        t = t.wrapping_add(n);
    } else if d < 0 && m > 0 {
        t = t.wrapping_sub(n);
    }
    let t = t >> s;
    Some(t + ((t as u64) >> 63) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn divisors() -> Vec<i64> {
        let mut ds = vec![
            2,
            3,
            5,
            6,
            7,
            10,
            11,
            25,
            100,
            125,
            641,
            1000,
            1000003,
            1 << 20,
            (1 << 31) - 1,
            1 << 32,
            i64::MAX,
            i64::MAX - 1,
            i64::MIN,
            i64::MIN + 1,
        ];
        for k in 1..63 {
            ds.push(1 << k);
            ds.push((1 << k) + 1);
            ds.push((1 << k) - 1);
        }
        let neg: Vec<i64> = ds.iter().map(|&d| d.wrapping_neg()).collect();
        ds.extend(neg);
        ds.retain(|d| !(-1..=1).contains(d));
        ds
    }

    #[test]
    fn no_magic_for_trivial_divisors() {
        assert_eq!(magic(0), None);
        assert_eq!(magic(1), None);
        assert_eq!(magic(-1), None);
    }

    #[test]
    fn known_constants() {
        // Hacker's Delight's 64-bit table: 3 -> 0x5555555555555556, shift 0; 7 ->
        // 0x4924924924924925, shift 1 (other divisors are checked by value below).
        assert_eq!(magic(3), Some((0x5555555555555556, 0)));
        assert_eq!(magic(7), Some((0x4924924924924925, 1)));
    }

    #[test]
    fn matches_rust_division() {
        // A small xorshift: deterministic and wide (dividends of every magnitude).
        let mut x: u64 = 0x9e3779b97f4a7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let edges = [
            0,
            1,
            -1,
            2,
            -2,
            i64::MIN,
            i64::MIN + 1,
            i64::MAX,
            i64::MAX - 1,
        ];
        for d in divisors() {
            let mut ns: Vec<i64> = edges.to_vec();
            for k in -3..=3 {
                ns.push(d.wrapping_mul(k));
                ns.push(d.wrapping_mul(k).wrapping_add(1));
                ns.push(d.wrapping_mul(k).wrapping_sub(1));
            }
            for _ in 0..2000 {
                let r = next();
                ns.push((r >> (r % 64)) as i64);
                ns.push(r as i64);
            }
            for n in ns {
                assert_eq!(eval(n, d), Some(n.wrapping_div(d)), "{n} / {d}");
            }
        }
    }
}
