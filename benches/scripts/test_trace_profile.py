#!/usr/bin/env python3
"""Tests of trace_profile.py's parsers and counts, on small hand-written logs in both formats.

Run: `python3 benches/scripts/test_trace_profile.py` (plain unittest, no dependencies).
The logs imitate what `METATRACER_LOG=json:FILE` and `PYPYLOG=jit-log-opt,jit-backend-counts`
write: the counts must be executions (segment entries minus the failures of earlier guards),
the classes must be right (a write barrier is not a residual call, a `new` with a `store_f` at
offset 8 is a float box), and the hottest loop must be the label segment with most executed ops.
"""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trace_profile as tp  # noqa: E402

OURS_LOOP = [
    "label(p0, i1, descr=target0)",
    'debug_merge_point(0x1, 4, descr="prog.py:3 f #4 FOR_ITER  | for i in r:")',
    "guard_not_interrupted() [0@1/9: r0=p0]",
    "i2 = int_lt(i1, 100)",
    "guard_true(i2) [0@1/9: r0=p0]",
    "label(p0, i1, descr=target1)",
    'debug_merge_point(0x1, 4, descr="prog.py:3 f #4 FOR_ITER  | for i in r:")',
    "guard_not_interrupted() [0@1/9: r0=p0]",
    "i3 = int_lt(i1, 100)",
    "guard_true(i3) [0@1/9: r0=p0]",
    "p4 = new(descr=alloc(16, 0x55))",
    "store_i(p4, 0, 4, descr=u8)",
    "store_f(p4, 8, 1.5, descr=f64)",
    "i5 = load_i(p0, 8, descr=i64)",
    'i6 = call_i(0x10, i5, descr=call(i)->i "native!(cx, opcodes::call(cx, pc, arg, Op::CALL))")',
    'call_n(0x20, p0, descr=call(r)->n "metatracer::gc::write_barrier" readonly)',
    'i7 = call_pure_i(0x30, i5, descr=call(i)->i "float_pow")',
    "store_r(p0, 16, p4, descr=ref)",
    "i8 = int_add(i1, 1)",
    "jump(p0, i8, descr=target1)",
]
OURS_BRIDGE = [
    "i9 = int_add(i0, 2)",
    "jump(p0, i9, descr=target1)",
]

PYPY_LOG = """\
[1a] {jit-log-opt-loop
# Loop 1 (f;/x/prog.py:1-3~#12 FOR_ITER) : loop with 12 ops
[p0, p1]
+10: p2 = getfield_gc_r(p0, descr=<FieldP pypy.interpreter.pyframe.PyFrame.inst_pycode 64>)
+20: label(p0, p2, descr=TargetToken(1000))
debug_merge_point(0, 0, 'f;/x/prog.py:1-3~#12 FOR_ITER')
+30: guard_value(p2, ConstPtr(ptr3), descr=<Guard0x10>) [p0, p2]
+40: label(p0, i4, descr=TargetToken(2000))
debug_merge_point(0, 0, 'f;/x/prog.py:1-3~#12 FOR_ITER')
+50: i5 = int_lt(i4, 100)
+60: guard_true(i5, descr=<Guard0x20>) [p0, i4]
+70: p6 = new_with_vtable(descr=<SizeDescr 16 pypy.objspace.std.floatobject.W_FloatObject>)
+75: setfield_gc(p6, 1.5, descr=<FieldF pypy.objspace.std.floatobject.W_FloatObject.inst_floatval 8 pure>)
+80: cond_call_gc_wb(p0, descr=<WriteBarrierDescr>)
+90: setfield_gc(p0, p6, descr=<FieldP pypy.interpreter.pyframe.PyFrame.inst_x 8>)
+95: i7 = call_i(ConstClass(ll_helper), i4, descr=<Calli 8 i EF=4>)
+96: guard_no_exception(descr=<Guard0x30>) [p0, i4]
+99: jump(p0, i4, descr=TargetToken(2000))
+100: --end of the loop--
[1b] jit-log-opt-loop}
[1c] {jit-log-opt-bridge
# bridge out of Guard 0x20 with 2 ops
[p0, i4]
+10: i8 = int_add(i4, 1)
+20: jump(p0, i8, descr=TargetToken(2000))
[1d] jit-log-opt-bridge}
[1e] {jit-backend-counts
entry 1:3
TargetToken(1000):3
TargetToken(2000):1000
bridge 32:250
[1f] jit-backend-counts}
"""


class Parsers(unittest.TestCase):
    def write(self, text, suffix):
        fd, path = tempfile.mkstemp(suffix=suffix)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.addCleanup(os.unlink, path)
        return path

    def ours_log(self):
        def trace(i, kind, name, ops, guard_at):
            out, g = [], 0
            for text in ops:
                op = {"text": text}
                if text.startswith("guard_"):
                    op["guard"] = guard_at + g
                    g += 1
                out.append(op)
            return {"ev": "trace", "id": i, "kind": kind, "name": name, "optimized": True, "ops": out}
        recs = [
            {"ev": "start", "format": 1},
            trace(0, "loop", "run_loop at prog.py:3 f #4 FOR_ITER  | for i in r:", OURS_LOOP, 0),
            trace(0, "loop", "unoptimized copy must be ignored", OURS_LOOP[:3], 0) | {"optimized": False},
            trace(1, "bridge", "guard 3 of trace 0", OURS_BRIDGE, 0),
            {"ev": "counts", "traces": [
                {"id": 0, "runs": 2, "labels": [2, 1000], "guard_fails": [[3, 400]]},
                {"id": 1, "runs": 400, "labels": [], "guard_fails": []},
            ]},
        ]
        return self.write("\n".join(json.dumps(r) for r in recs) + "\n", ".jsonl")

    def test_ours_counts_are_executions(self):
        traces = tp.parse_ours(self.ours_log())
        self.assertEqual(traces[1].parent, 0)
        profs = tp.loops("ours", traces)
        self.assertEqual(len(profs), 1)  # the bridge belongs to the loop of its guard
        h = tp.hottest(profs)
        # iterations: the header's merge point, run 2 times in the preamble, 1000 in the body
        self.assertEqual(h.entries, 1002)
        # guard 3 (the body's guard_true) fails 400 times: what follows it runs 600 times;
        # the bridge runs 400 times
        self.assertEqual(h.by_class["guard"], 2 + 2 + 1000 + 1000)
        self.assertEqual(dict(h.detail["new"]), {"float box": 600})
        self.assertEqual(dict(h.detail["call"]), {"handler call": 600})
        self.assertEqual(dict(h.detail["pure_call"]), {"float_pow": 600})
        self.assertEqual(h.by_class["wb"], 600)  # a write barrier is not a residual call
        self.assertEqual(h.by_class["store"], 3 * 600)
        self.assertEqual(h.by_class["load"], 600)
        self.assertEqual(h.by_class["other"], 2 + 1000 + 600 + 400)  # int_lt, int_add (+ bridge)
        self.assertEqual(h.executed, 8806)
        self.assertAlmostEqual(h.per_iter()["box"], 600 / 1002)
        self.assertAlmostEqual(h.per_iter()["ops"], 8806 / 1002)

    def test_pypy_counts_and_classes(self):
        traces = tp.parse_pypy(self.write(PYPY_LOG, ".log"))
        self.assertEqual(set(traces), {("loop", 1), ("bridge", 0x20)})
        self.assertEqual(traces[("bridge", 0x20)].parent, ("loop", 1))
        profs = tp.loops("pypy", traces)
        self.assertEqual(len(profs), 1)
        h = profs[0]
        self.assertEqual(h.entries, 3 + 1000)
        # guard 0x20 has a bridge that ran 250 times: 750 of 1000 iterations run the rest
        self.assertEqual(h.by_class["guard"], 3 + 1000 + 750)
        self.assertEqual(dict(h.detail["new"]), {"float box": 750})
        self.assertEqual(h.by_class["wb"], 750)
        self.assertEqual(h.by_class["store"], 2 * 750)
        self.assertEqual(dict(h.detail["call"]), {"ll_helper": 750})
        self.assertEqual(h.by_class["load"], 3)
        self.assertEqual(h.executed, 3 + 3 + 2000 + 6 * 750 + 250)
        self.assertEqual(tp.position(h.name), ("f", 3))

    def test_loops_are_paired_by_position(self):
        ours = tp.loops("ours", tp.parse_ours(self.ours_log()))
        self.assertEqual(tp.position(ours[0].name), ("f", 3))
        self.assertIs(tp.hottest(ours, ("f", 3)), ours[0])
        self.assertIs(tp.hottest(ours, "no such loop"), ours[0])  # falls back to the hottest

    def test_op_names(self):
        self.assertEqual(tp.op_name("+30: i5 = int_lt(i4, 100)"), "int_lt")
        self.assertEqual(tp.op_name("guard_true(i2) [0@1/9: r0=p0]"), "guard_true")
        self.assertEqual(tp.op_name("[p0, p1]"), None)
        self.assertEqual(tp.op_name("+100: --end of the loop--"), None)


if __name__ == "__main__":
    unittest.main()
