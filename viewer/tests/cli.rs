//! The `metatracer-view` binary on good and bad input: a page for a good log, a message and
//! exit status 1 (never a panic) for a missing, non-JSON or malformed one.

use std::process::Command;

fn view(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_metatracer-view"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("mtview-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn writes_a_page_for_a_good_log() {
    let log = temp(
        "good.jsonl",
        "{\"ev\":\"start\",\"format\":1,\"argv\":[\"x\"]}\n{\"ev\":\"summary\",\"loops\":0}\n",
    );
    let out = format!("{log}.out.html");
    assert_eq!(view(&[&log, "-o", &out]), (0, String::new()));
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("No loops were compiled"));
    // default output name: LOG.html
    assert_eq!(view(&[&log]).0, 0);
    assert!(std::path::Path::new(&format!("{log}.html")).exists());
}

#[test]
fn bad_input_is_a_message_not_a_panic() {
    let (code, err) = view(&["/nonexistent/log.jsonl"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read /nonexistent/log.jsonl"), "{err}");

    let text_log = temp("text.log", "{trace loop 0 \"x\"\n[i0]\ntrace}\n");
    let (code, err) = view(&[&text_log]);
    assert_eq!(code, 1);
    assert!(err.contains("line 1: not a JSON log line"), "{err}");

    let broken = temp(
        "broken.jsonl",
        "{\"ev\":\"start\",\"format\":1}\n{\"ev\":\"trace\",\"id\":0,\n",
    );
    let (code, err) = view(&[&broken]);
    assert_eq!(code, 1);
    assert!(err.contains("line 2: bad log record"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let (code, err) = view(&[]);
    assert_eq!(code, 2, "{err}");
}
