#[metatracer::look_inside]
fn step(x: i64) -> Result<i64, u32> {
    if x > 3 {
        return Err(1);
    }
    Ok(x + 1)
}

#[metatracer::look_inside]
fn twice(x: i64) -> Result<i64, u64> {
    let a = step(x).map_err(u64::from)?;
    let b = step(a)?;
    Ok(b)
}

fn main() {}
