//! The report: one self-contained HTML page (inline CSS and a little inline JavaScript, no
//! network) made from a [`Run`].
//!
//! What it shows: the run's summary; a table of the loops and bridges with their entry
//! counts (and, when the machine code counted them, bridge runs and loop iterations), time in
//! machine code, guard failures and bridges; per trace, its ops after and (folded)
//! before optimization, grouped under the guest position each group came from; each guard
//! with its exit count and a link to its bridge (and each bridge with a link back to its
//! guard); the machine code, disassembled, folded until opened; aborts and other log entries.
//!
//! Stable hooks for tests and people linking into a report: `#loop-list` (rows
//! `tr.trace-row[data-trace=N]`), `section.trace#trace-N`, `div.pos > .loc` (a guest
//! position), `a.bridge-link` (a guard's bridge), `#tN-gG` (guard G of trace N), `details.asm`.

use crate::disasm;
use crate::log::{groups, Op, Run, TraceInfo, TraceText};
use std::fmt::Write as _;

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body { font-family: system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header { background: #22304a; color: #fff; padding: 12px 24px; }
header h1 { margin: 0; font-size: 20px; }
header .cmd { font-family: monospace; margin: 4px 0 0; color: #cfe0ff; }
#status { margin: 4px 0 0; color: #ffd98a; }
main { padding: 8px 24px 40px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid #d5d9e0; padding: 3px 8px; text-align: left; font-size: 13px; }
th { background: #e9edf3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.kind-bridge td:first-child { padding-left: 20px; }
.empty { background: #fff6d6; border: 1px solid #e8d48a; padding: 8px 12px; display: inline-block; }
section.trace { background: #fff; border: 1px solid #d5d9e0; border-radius: 6px; margin: 18px 0; padding: 4px 16px 12px; }
section.trace:target { outline: 3px solid #7aa7ff; }
section.trace h2 { margin-top: 10px; }
.meta { font-size: 13px; color: #4a5568; margin: 4px 0; }
.pos { border-left: 4px solid #7aa7ff; margin: 6px 0; background: #f8faff; }
.pos.nopos { border-left-color: #c3c9d4; }
.loc { font-family: monospace; font-weight: bold; font-size: 13px; padding: 2px 8px; background: #e6eeff; }
.nopos .loc { background: #eceef2; font-weight: normal; font-style: italic; }
pre { margin: 0; padding: 2px 8px; font-size: 12.5px; overflow-x: auto; }
.op { display: block; white-space: pre; }
.op.guard { color: #8a3b00; }
.op.guard:target { background: #ffe9a8; }
.snap { color: #7b8494; display: none; }
body.show-snap .snap { display: inline; }
.ginfo { font-family: system-ui, sans-serif; font-size: 12px; margin-left: 12px; color: #555; }
.ginfo.failed { color: #b00020; font-weight: bold; }
a.bridge-link { color: #0b5bd3; }
details { margin: 6px 0; }
details > summary { cursor: pointer; font-size: 13px; color: #22304a; }
details.asm pre { background: #1d2330; color: #d8dee9; padding: 8px; }
.toolbar { margin: 12px 0; font-size: 13px; }
"#;

const SCRIPT: &str = r#"
(function () {
  var rows = document.querySelectorAll('#loop-list tr.trace-row');
  var loops = 0, bridges = 0;
  rows.forEach(function (r) { if (r.dataset.kind === 'bridge') bridges++; else loops++; });
  var status = document.getElementById('status');
  if (status) status.textContent = loops + ' loop' + (loops === 1 ? '' : 's') + ', ' +
      bridges + ' bridge' + (bridges === 1 ? '' : 's') + ' compiled';
  var box = document.getElementById('show-snapshots');
  if (box) box.addEventListener('change', function () {
    document.body.classList.toggle('show-snap', box.checked);
  });
  function openTarget() {
    var el = location.hash && document.getElementById(location.hash.slice(1));
    for (var p = el; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
  document.body.dataset.ready = '1';
})();
"#;

/// The whole page.
pub fn render(run: &Run) -> String {
    let mut h = String::new();
    let cmd = run.argv.join(" ");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>metatracer report: {}</title><style>{STYLE}</style></head>\n<body>\n\
         <header><h1>metatracer JIT report</h1><p class=\"cmd\">{}</p><p id=\"status\"></p></header>\n<main>\n",
        esc(&cmd),
        esc(&cmd)
    );
    summary(&mut h, run);
    loop_list(&mut h, run);
    aborts(&mut h, run);
    if !run.traces.is_empty() {
        h.push_str(
            "<div class=\"toolbar\"><label><input type=\"checkbox\" id=\"show-snapshots\"> \
             show guard snapshots (the interpreter frames a failing guard resumes)</label></div>\n",
        );
    }
    for t in run.traces.values() {
        trace_section(&mut h, run, t);
    }
    if !run.other.is_empty() {
        let _ = write!(
            h,
            "<section id=\"other\"><h2>Other log entries</h2><details><summary>{} entries</summary><pre>",
            run.other.len()
        );
        for o in &run.other {
            h.push_str(&esc(o));
            h.push('\n');
        }
        h.push_str("</pre></details></section>\n");
    }
    let _ = write!(h, "</main>\n<script>{SCRIPT}</script>\n</body></html>\n");
    h
}

fn summary(h: &mut String, run: &Run) {
    h.push_str("<section id=\"summary\"><h2>Summary</h2>");
    let Some(s) = &run.summary else {
        h.push_str("<p class=\"empty\">The log has no exit summary (the run did not finish, or was cut short).</p></section>\n");
        return;
    };
    let rows: [(&str, String); 11] = [
        ("loops compiled", s.loops.to_string()),
        ("bridges compiled", s.bridges.to_string()),
        ("guards compiled", s.guards.to_string()),
        ("ops compiled", s.ops.to_string()),
        ("machine code bytes", s.code_bytes.to_string()),
        ("guard exits taken", s.guard_exits.to_string()),
        (
            "aborts",
            s.aborts.iter().map(|a| a.1).sum::<u64>().to_string(),
        ),
        ("time tracing", format!("{:.3} ms", s.tracing_ms)),
        ("time optimizing", format!("{:.3} ms", s.optimizing_ms)),
        ("time compiling", format!("{:.3} ms", s.compiling_ms)),
        (
            "run time (log start to exit)",
            format!("{:.1} ms", s.run_ms),
        ),
    ];
    h.push_str("<table class=\"kv\">");
    for (k, v) in rows {
        let _ = write!(h, "<tr><th>{k}</th><td class=\"num\">{}</td></tr>", esc(&v));
    }
    h.push_str("</table></section>\n");
}

/// Ops that are not `debug_merge_point` markers.
fn real_ops(t: Option<&TraceText>) -> Option<usize> {
    t.map(|t| t.ops.iter().filter(|o| o.loc.is_none()).count())
}

/// The first guest position of a trace, or its name.
fn start_position(t: &TraceInfo) -> String {
    [&t.optimized, &t.recorded]
        .into_iter()
        .flatten()
        .flat_map(|tt| tt.ops.iter())
        .find_map(|o| o.loc.clone())
        .unwrap_or_else(|| t.name.clone())
}

fn loop_list(h: &mut String, run: &Run) {
    h.push_str("<section id=\"loops\"><h2>Loops and bridges</h2>\n");
    if run.traces.is_empty() {
        h.push_str(
            "<p class=\"empty\" id=\"no-loops\">No loops were compiled in this run: no trace was \
             recorded (the program's loops did not get hot, or the interpreter has no JIT \
             annotations).</p></section>\n",
        );
        return;
    }
    h.push_str(
        "<table id=\"loop-list\"><thead><tr><th>trace</th><th>kind</th><th>guest position</th>\
         <th>entries</th><th>iterations</th><th>time in code (ms)</th><th>guard failures</th><th>bridges</th>\
         <th>ops recorded → optimized</th><th>trace / opt / compile (ms)</th><th>code bytes</th>\
         </tr></thead><tbody>\n",
    );
    for t in run.traces.values() {
        let kind = if t.compiled() {
            t.kind.clone()
        } else {
            format!("{} (not compiled)", t.kind)
        };
        let ops = format!(
            "{} → {}",
            real_ops(t.recorded.as_ref()).map_or("?".into(), |n| n.to_string()),
            real_ops(t.optimized.as_ref()).map_or("?".into(), |n| n.to_string())
        );
        let times = format!(
            "{:.2} / {:.2} / {:.2}",
            t.recorded.as_ref().map_or(0.0, |r| r.ms),
            t.optimized.as_ref().map_or(0.0, |r| r.ms),
            t.code.as_ref().map_or(0.0, |c| c.ms)
        );
        let entries = match (t.kind.as_str(), t.runs) {
            ("bridge", Some(n)) => n.to_string(),
            ("bridge", None) => format!("(from guard: {})", t.parent.map_or(0, |p| p.2)),
            _ => t.entries.to_string(),
        };
        let iterations = t.iterations().map_or(String::new(), |n| n.to_string());
        let bridges: Vec<String> = t
            .bridges
            .values()
            .map(|b| format!("<a href=\"#trace-{b}\">{b}</a>"))
            .collect();
        let _ = writeln!(
            h,
            "<tr class=\"trace-row kind-{k}\" data-trace=\"{id}\" data-kind=\"{k}\">\
             <td><a href=\"#trace-{id}\">trace {id}</a></td><td>{kind}</td><td class=\"where\">{pos}</td>\
             <td class=\"num entries\">{entries}</td><td class=\"num iterations\">{iterations}</td><td class=\"num\">{run:.2}</td><td class=\"num fails\">{fails}</td>\
             <td>{bridges}</td><td class=\"num\">{ops}</td><td class=\"num\">{times}</td><td class=\"num\">{size}</td></tr>",
            k = esc(&t.kind),
            id = t.id,
            kind = esc(&kind),
            pos = esc(&start_position(t)),
            entries = esc(&entries),
            run = t.run_ms,
            fails = t.total_failures(),
            bridges = bridges.join(", "),
            ops = esc(&ops),
            times = times,
            size = t.code.as_ref().map_or(String::new(), |c| c.size.to_string()),
        );
    }
    h.push_str("</tbody></table>\n");
    h.push_str(
        "<p class=\"meta\">Entries: times the interpreter entered a loop's machine code; for a \
         bridge, times its guard ran it (in a log without the machine code's counters, that \
         guard's failures before the bridge was attached, in parentheses). Iterations: times \
         control reached the loop's label, including jumps into it from bridges. Time in code: \
         from entering until control came back to the interpreter, including bridges and \
         other loops jumped to. Guard failures: all failures of the trace's guards, counted by \
         the machine code, whether they ran a bridge or returned to the interpreter (older \
         logs: only the latter).</p></section>\n",
    );
}

fn aborts(h: &mut String, run: &Run) {
    if run.aborts.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<section id=\"aborts\"><h2>Aborted traces ({})</h2><table><tr><th>reason</th><th>where</th></tr>",
        run.aborts.len()
    );
    for (r, w) in &run.aborts {
        let _ = write!(h, "<tr><td>{}</td><td>{}</td></tr>", esc(r), esc(w));
    }
    h.push_str("</table></section>\n");
}

fn trace_section(h: &mut String, run: &Run, t: &TraceInfo) {
    let title = match t.kind.as_str() {
        "bridge" => "Bridge",
        "entry" => "Entry trace",
        _ => "Loop",
    };
    let _ = writeln!(
        h,
        "<section class=\"trace kind-{}\" id=\"trace-{}\"><h2>{title} {}: {}</h2>",
        esc(&t.kind),
        t.id,
        t.id,
        esc(&start_position(t))
    );
    if let Some((parent, guard, failures)) = t.parent {
        let _ = writeln!(
            h,
            "<p class=\"meta parent\">Attached to <a href=\"#t{parent}-g{guard}\">guard {guard} of \
             trace {parent}</a> after {failures} failures.</p>"
        );
    }
    let mut facts = Vec::new();
    if t.kind != "bridge" {
        facts.push(format!("entered {} times", t.entries));
        facts.push(format!("{:.2} ms in its code", t.run_ms));
    } else if let Some(n) = t.runs {
        facts.push(format!("run {n} times"));
    }
    if let Some(n) = t.iterations() {
        facts.push(format!("label reached {n} times"));
    }
    facts.push(format!("{} guard failures", t.total_failures()));
    if !t.bridges.is_empty() {
        let n = t.bridges.len();
        facts.push(format!("{n} bridge{}", if n == 1 { "" } else { "s" }));
    }
    if !t.compiled() {
        facts.push("not compiled (see the aborts)".into());
    }
    let _ = writeln!(h, "<p class=\"meta\">{}</p>", esc(&facts.join(" · ")));
    if let Some(o) = &t.optimized {
        let _ = write!(
            h,
            "<div class=\"view optimized\"><h3>After optimization ({} ops)</h3>",
            real_ops(Some(o)).unwrap_or(0)
        );
        ops_view(h, t, o, true);
        h.push_str("</div>\n");
    }
    if let Some(r) = &t.recorded {
        let _ = write!(
            h,
            "<details class=\"view recorded\"><summary>Before optimization ({} ops)</summary>",
            real_ops(Some(r)).unwrap_or(0)
        );
        ops_view(h, t, r, false);
        h.push_str("</details>\n");
    }
    if let Some(c) = &t.code {
        let _ = write!(
            h,
            "<details class=\"asm\"><summary>Assembly: {} bytes at {:#x}, {} guards, {} spill slots</summary><pre>",
            c.size, c.addr, c.guards, c.spill_slots
        );
        for (v, l) in &c.locs {
            let _ = writeln!(h, "; {} -> {}", esc(v), esc(l));
        }
        match disasm::hex_bytes(&c.bytes) {
            Ok(b) => h.push_str(&esc(&disasm::disassemble(&b, c.addr))),
            Err(e) => {
                let _ = write!(h, "(machine code not readable: {})", esc(&e));
            }
        }
        h.push_str("</pre></details>\n");
    }
    let _ = run;
    h.push_str("</section>\n");
}

/// One view (recorded or optimized) of a trace, grouped by guest position. Guards of the
/// optimized view carry their exit counts, anchors and bridge links.
fn ops_view(h: &mut String, t: &TraceInfo, text: &TraceText, optimized: bool) {
    let _ = write!(
        h,
        "<pre class=\"inputs\">{}</pre>",
        esc(&format!("inputs {}", text.inputs))
    );
    for (loc, ops) in groups(&text.ops) {
        match loc {
            Some(l) => {
                let _ = write!(h, "<div class=\"pos\"><div class=\"loc\">{}</div>", esc(l));
            }
            None => {
                let what = match t.parent {
                    Some((p, g, _)) => {
                        format!("continuing the guest instruction of guard {g} of trace {p}")
                    }
                    None => "trace start".to_string(),
                };
                let _ = write!(
                    h,
                    "<div class=\"pos nopos\"><div class=\"loc\">{}</div>",
                    esc(&what)
                );
            }
        }
        if !ops.is_empty() {
            h.push_str("<pre class=\"ops\">");
            for op in ops {
                op_line(h, t, op, optimized);
            }
            h.push_str("</pre>");
        }
        h.push_str("</div>");
    }
    h.push('\n');
}

fn op_line(h: &mut String, t: &TraceInfo, op: &Op, optimized: bool) {
    let Some(g) = op.guard else {
        let _ = write!(h, "<span class=\"op\">{}</span>", esc(&op.text));
        return;
    };
    // `guard_true(i7) [0@3: ...]`: the snapshot is hidden unless asked for
    let (head, snap) = match op.text.find(") [") {
        Some(i) => op.text.split_at(i + 1),
        None => (op.text.as_str(), ""),
    };
    if !optimized {
        let _ = write!(
            h,
            "<span class=\"op guard\">{}<span class=\"snap\">{}</span></span>",
            esc(head),
            esc(snap)
        );
        return;
    }
    let fails = t.failures(g);
    let bridge = t.bridges.get(&g);
    let _ = write!(
        h,
        "<span class=\"op guard\" id=\"t{}-g{g}\">{}<span class=\"snap\">{}</span><span class=\"ginfo{}\">guard {g} · {fails} failures",
        t.id,
        esc(head),
        esc(snap),
        if fails > 0 { " failed" } else { "" }
    );
    // with the machine code's counters, say how many of them came back to the interpreter
    let back = t.guard_failures.get(&g).copied().unwrap_or(0);
    if t.code_guard_failures.is_some() && back != fails {
        let _ = write!(h, " ({back} to the interpreter)");
    }
    if let Some(b) = bridge {
        let _ = write!(
            h,
            " · <a class=\"bridge-link\" href=\"#trace-{b}\">bridge {b}</a>"
        );
    }
    h.push_str("</span></span>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::parse;

    #[test]
    fn escapes() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn renders_positions_guards_and_bridge_links() {
        let log = r#"{"ev":"start","format":1,"argv":["toy","<p>.toy"]}
{"ev":"trace","id":0,"kind":"loop","optimized":true,"name":"n","inputs":"[i0]","ops":[{"text":"label(i0, descr=target0)"},{"text":"debug_merge_point(6, descr=\"pc 6: <Add>\")","loc":"pc 6: <Add>"},{"text":"i1 = int_add(i0, 1)"},{"text":"guard_true(i1) [0@1: i1]","guard":0},{"text":"jump(i1, descr=target0)"}]}
{"ev":"code","id":0,"addr":4096,"size":1,"bytes":"c3"}
{"ev":"trace","id":1,"kind":"bridge","optimized":true,"name":"b","inputs":"[i0]","ops":[{"text":"jump(i0, descr=target0)"}]}
{"ev":"code","id":1,"addr":8192,"size":1,"bytes":"c3"}
{"ev":"bridge","id":1,"trace":0,"guard":0,"failures":2}
{"ev":"counts","traces":[{"id":0,"entries":4,"run_ms":1.0,"guards":[[0,2]]}]}
"#;
        let page = render(&parse(log).unwrap());
        assert!(page.contains("<p class=\"cmd\">toy &lt;p&gt;.toy</p>"));
        assert!(page.contains("<div class=\"loc\">pc 6: &lt;Add&gt;</div>"));
        assert!(page.contains("id=\"t0-g0\">guard_true(i1)<span class=\"snap\"> [0@1: i1]</span>"));
        assert!(page.contains(
            "guard 0 · 2 failures · <a class=\"bridge-link\" href=\"#trace-1\">bridge 1</a>"
        ));
        assert!(page.contains("<a href=\"#t0-g0\">guard 0 of trace 0</a> after 2 failures"));
        assert!(page.contains("<section class=\"trace kind-bridge\" id=\"trace-1\">"));
        assert!(page.contains("data-trace=\"0\" data-kind=\"loop\""));
        assert!(page.contains("ret"), "the assembly is disassembled");
        assert!(page.contains("continuing the guest instruction of guard 0 of trace 0"));
        assert!(page.contains("The log has no exit summary"));
        // self-contained: no external resources
        assert!(!page.contains("http://") && !page.contains("https://") && !page.contains(" src="));
    }

    #[test]
    fn shows_the_machine_code_counters() {
        let log = r#"{"ev":"start","format":1,"argv":["toy"]}
{"ev":"trace","id":0,"kind":"loop","optimized":true,"name":"n","inputs":"[i0]","ops":[{"text":"label(i0, descr=target0)"},{"text":"guard_true(i0) [0@1: i0]","guard":0},{"text":"jump(i0, descr=target0)"}]}
{"ev":"trace","id":1,"kind":"bridge","optimized":true,"name":"b","inputs":"[i0]","ops":[{"text":"jump(i0, descr=target0)"}]}
{"ev":"bridge","id":1,"trace":0,"guard":0,"failures":3}
{"ev":"counts","traces":[{"id":0,"entries":4,"run_ms":1.0,"guards":[[0,3]],"runs":4,"guard_fails":[[0,40]],"labels":[900]},{"id":1,"entries":0,"guards":[],"runs":37,"guard_fails":[],"labels":[]}]}
"#;
        let page = render(&parse(log).unwrap());
        // the guard: all 40 failures, 3 of them before the bridge came back to the driver
        assert!(
            page.contains("guard 0 · 40 failures (3 to the interpreter) · <a"),
            "{page}"
        );
        // the loop row: 4 entries, 900 iterations; the bridge row: 37 runs
        assert!(
            page.contains("<td class=\"num entries\">4</td><td class=\"num iterations\">900</td>")
        );
        assert!(
            page.contains("<td class=\"num entries\">37</td><td class=\"num iterations\"></td>")
        );
        assert!(page.contains("run 37 times"));
        assert!(page.contains("label reached 900 times"));
    }

    #[test]
    fn a_run_without_loops_says_so() {
        let run = parse("{\"ev\":\"start\",\"format\":1,\"argv\":[\"pyguest\",\"x.py\"]}\n{\"ev\":\"summary\",\"loops\":0}\n").unwrap();
        let page = render(&run);
        assert!(page.contains("id=\"no-loops\""));
        assert!(page.contains("No loops were compiled in this run"));
        assert!(!page.contains("id=\"loop-list\""));
    }
}
