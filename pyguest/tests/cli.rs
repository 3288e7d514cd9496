//! CPython's command-line forms, run through the built binary: `-m` (a module on `sys.path`,
//! a package's `__main__`, a missing module), `-` and a piped program on standard input,
//! `-u`, `-E`, `-W`, `-X`, `-B`, combined flags, `--jit` after `run`, `compile(...,
//! 'single')` echoing expression values, and `-i` with its entries read from a pipe (the REPL
//! in a real terminal is `.ci/repl.sh`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn pyguest() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pyguest"))
}

fn with_stdin(mut c: Command, input: &str) -> Output {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch directory with a module and a package (`pkg/__main__.py`, `pkg/sub.py`).
fn tree() -> PathBuf {
    let d = std::env::temp_dir().join(format!("pyguest-cli-{}", std::process::id()));
    std::fs::create_dir_all(d.join("pkg")).unwrap();
    std::fs::write(
        d.join("tool.py"),
        "import sys\nprint(__name__, sys.argv[1:], __file__.endswith('tool.py'))\n",
    )
    .unwrap();
    std::fs::write(d.join("pkg/__init__.py"), "print('pkg init')\n").unwrap();
    std::fs::write(
        d.join("pkg/__main__.py"),
        "import sys\nprint('pkg main', __name__, __package__, sys.argv[1:])\n",
    )
    .unwrap();
    std::fs::write(
        d.join("pkg/sub.py"),
        "print('sub', __name__, __package__)\n",
    )
    .unwrap();
    d
}

#[test]
fn dash_m_runs_modules_and_package_mains() {
    let d = tree();
    let o = pyguest()
        .current_dir(&d)
        .args(["-m", "tool", "a", "-b"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(out(&o), "__main__ ['a', '-b'] True\n");
    let o = pyguest()
        .current_dir(&d)
        .args(["-m", "pkg", "x"])
        .output()
        .unwrap();
    assert_eq!(
        out(&o),
        "pkg init\npkg main __main__ pkg ['x']\n",
        "{}",
        err(&o)
    );
    let o = pyguest()
        .current_dir(&d)
        .args(["-mpkg.sub"])
        .output()
        .unwrap();
    assert_eq!(out(&o), "pkg init\nsub __main__ pkg\n", "{}", err(&o));
    let o = pyguest()
        .current_dir(&d)
        .args(["-m", "no_such_module_here"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        err(&o),
        "pyguest: No module named no_such_module_here\n",
        "one line, as CPython's"
    );
    // a module of pyguest's own library runs too (its `if __name__ == '__main__'` part)
    let o = pyguest().args(["-m", "keyword"]).output().unwrap();
    assert!(o.status.success(), "{}", err(&o));
}

#[test]
fn programs_on_standard_input() {
    let mut c = pyguest();
    c.args(["-", "arg1"]);
    let o = with_stdin(c, "import sys\nprint(sys.argv, 6 * 7)\n");
    assert_eq!(out(&o), "['-', 'arg1'] 42\n", "{}", err(&o));
    // no program and a pipe: the pipe is the program (no prompts, no banner)
    let o = with_stdin(pyguest(), "x = 2\nprint(x ** 10)\n");
    assert_eq!(out(&o), "1024\n", "{}", err(&o));
    assert_eq!(err(&o), "");
    let o = with_stdin(pyguest(), "raise KeyError('k')\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("File \"<stdin>\", line 1"), "{}", err(&o));
}

#[test]
fn interpreter_flags() {
    let o = pyguest()
        .args([
            "-uB",
            "-E",
            "-W",
            "ignore::DeprecationWarning",
            "-Xdev",
            "-X",
            "k=v",
            "-c",
            "import sys; print(sys.warnoptions, sys._xoptions)",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out(&o),
        "['ignore::DeprecationWarning'] {'dev': True, 'k': 'v'}\n",
        "{}",
        err(&o)
    );
    // -E: PYTHONPATH is not read
    let probe = "import sys; print('/nowhere/pp' in sys.path)";
    let o = pyguest()
        .env("PYTHONPATH", "/nowhere/pp")
        .args(["-c", probe])
        .output()
        .unwrap();
    assert_eq!(out(&o), "True\n");
    let o = pyguest()
        .env("PYTHONPATH", "/nowhere/pp")
        .args(["-E", "-c", probe])
        .output()
        .unwrap();
    assert_eq!(out(&o), "False\n");
    // -u: output written before a crash of the process is not lost in a buffer
    let o = pyguest()
        .args(["-u", "-c", "import os\nprint('flushed')\nos._exit(0)"])
        .output()
        .unwrap();
    assert_eq!(out(&o), "flushed\n", "{}", err(&o));
    // unknown options are usage errors
    let o = pyguest().args(["-Z"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("Unknown option: -Z"), "{}", err(&o));
    // `--jit` after `run`
    let dir = tree();
    let o = pyguest()
        .args(["run", "--jit", "off"])
        .arg(dir.join("tool.py"))
        .output()
        .unwrap();
    assert_eq!(out(&o), "__main__ [] True\n", "{}", err(&o));
}

#[test]
fn single_mode_echoes_expression_values() {
    let src = "c = compile('1 + 1\\nx = 5\\nx * 3\\nNone\\n', '<in>', 'single')\nexec(c)\nprint('_ =', _)";
    let o = pyguest().args(["-c", src]).output().unwrap();
    assert_eq!(out(&o), "2\n15\n_ = 15\n", "{}", err(&o));
}

#[test]
fn dash_i_reads_entries_after_the_program() {
    // with a pipe, the REPL reads its entries from it (prompts go to the terminal only)
    let mut c = pyguest();
    c.args(["-q", "-i", "-c", "a = 20"]);
    let o = with_stdin(
        c,
        "a + 1\ndef f(x):\n    return x * 2\n\nf(a)\n1/0\n'alive'\nimport sys; sys.exit(4)\n",
    );
    let stdout = out(&o);
    assert!(stdout.contains("21\n"), "{stdout}\n{}", err(&o));
    assert!(stdout.contains("40\n"), "{stdout}");
    assert!(stdout.contains("'alive'\n"), "{stdout}");
    assert!(
        err(&o).contains("ZeroDivisionError: division by zero"),
        "{}",
        err(&o)
    );
    assert_eq!(o.status.code(), Some(4));
}

/// `sys.flags` counts the flags given, as CPython 3.11 does (expected values from `python3`
/// with the same options); `sys.version` and `sys.implementation` name pyguest.
#[test]
fn sys_flags_version_and_implementation() {
    let probe = "import sys; f = sys.flags; print(f.ignore_environment, f.dev_mode, f.optimize, \
                 f.no_site, f.no_user_site, f.isolated, f.safe_path, f.quiet, f.verbose, \
                 f.bytes_warning, f.debug, f.inspect, f.interactive)";
    let cases: [(&[&str], &str); 4] = [
        (
            &["-B", "-E", "-X", "dev"],
            "1 True 0 0 0 0 False 0 0 0 0 0 0",
        ),
        (&["-OO", "-S", "-s"], "0 False 2 1 1 0 False 0 0 0 0 0 0"),
        (
            &["-I", "-q", "-v", "-b", "-d"],
            "1 False 0 0 1 1 True 1 1 1 1 0 0",
        ),
        (&["-i"], "0 False 0 0 0 0 False 0 0 0 0 1 1"),
    ];
    for (flags, want) in cases {
        let o = with_stdin(
            {
                let mut c = pyguest();
                c.args(flags).args(["-c", probe]);
                c
            },
            "",
        );
        assert_eq!(
            out(&o).lines().next().unwrap_or(""),
            want,
            "{flags:?}: {}",
            err(&o)
        );
    }
    let o = pyguest()
        .args([
            "-c",
            "import sys; print('pyguest' in sys.version, sys.implementation.name, \
             sys.version_info[:2], sys.argv)",
            "a",
        ])
        .output()
        .unwrap();
    assert_eq!(out(&o), "True pyguest (3, 11) ['-c', 'a']\n", "{}", err(&o));
}
