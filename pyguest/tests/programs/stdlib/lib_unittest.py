# unittest: a test module run by unittest.main(exit=False) with a runner writing to a
# buffer; the report is printed with the timing normalised, plus assertion messages.
import io
import sys
import unittest


class Stack:
    def __init__(self):
        self.items = []

    def push(self, x):
        self.items.append(x)

    def pop(self):
        if not self.items:
            raise IndexError("pop from empty stack")
        return self.items.pop()


log = []


class TestStack(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        log.append("setUpClass")

    @classmethod
    def tearDownClass(cls):
        log.append("tearDownClass")

    def setUp(self):
        self.s = Stack()
        log.append("setUp " + self._testMethodName)

    def tearDown(self):
        log.append("tearDown " + self._testMethodName)

    def test_push_pop(self):
        """Pushing then popping gives the item back."""
        self.s.push(1)
        self.s.push(2)
        self.assertEqual(self.s.pop(), 2)
        self.assertEqual(self.s.items, [1])

    def test_empty_raises(self):
        with self.assertRaises(IndexError) as cm:
            self.s.pop()
        self.assertEqual(str(cm.exception), "pop from empty stack")
        self.assertRaises(IndexError, self.s.pop)

    def test_assertions(self):
        self.assertTrue([1])
        self.assertFalse("")
        self.assertIn(3, [1, 2, 3])
        self.assertNotIn(4, (1, 2))
        self.assertIsNone(None)
        self.assertIsNotNone(0)
        self.assertIs(True, True)
        self.assertIsInstance(self.s, Stack)
        self.assertAlmostEqual(0.1 + 0.2, 0.3)
        self.assertAlmostEqual(1.0, 1.05, delta=0.1)
        self.assertNotAlmostEqual(1.0, 1.1)
        self.assertGreater(2, 1)
        self.assertLessEqual(1, 1)
        self.assertCountEqual([1, 2, 2, 3], [3, 2, 1, 2])
        self.assertNotEqual(1, 2)
        self.assertDictEqual({"a": 1}, {"a": 1})

    def test_failure(self):
        self.assertEqual(1 + 1, 3)

    def test_error(self):
        {}["missing"]

    @unittest.skip("not ready")
    def test_skipped(self):
        self.fail("should not run")

    @unittest.expectedFailure
    def test_expected_failure(self):
        self.assertEqual(1, 0)

    def test_subtests(self):
        for i in range(4):
            with self.subTest(i=i):
                self.assertLess(i, 3)

    def test_cleanup(self):
        self.addCleanup(log.append, "cleanup ran")


@unittest.skipIf(True, "platform")
class TestSkippedClass(unittest.TestCase):
    def test_never(self):
        pass


class TestOther(unittest.TestCase):
    def test_skip_inside(self):
        self.skipTest("dynamic skip")

    def runTest(self):
        pass

    def test_ok(self):
        self.assertEqual("a" * 3, "aaa")


def report(stream_text):
    # timing varies and traceback lines are interpreter-specific: normalise both
    lines = []
    for line in stream_text.splitlines():
        if line.startswith("Ran "):
            line = line[:line.rindex(" in ")] + " in X.XXXs"
        if line.startswith("    ") or line.startswith("  File "):
            continue
        lines.append(line)
    return "\n".join(lines)


for verbosity in (1, 2):
    log.clear()
    buf = io.StringIO()
    runner = unittest.TextTestRunner(stream=buf, verbosity=verbosity)
    prog = unittest.main(argv=["prog"], testRunner=runner, exit=False)
    r = prog.result
    print(report(buf.getvalue()))
    print("run", r.testsRun, "failures", len(r.failures), "errors", len(r.errors),
          "skipped", len(r.skipped), "xfail", len(r.expectedFailures), "ok", r.wasSuccessful())
    print([str(t) for t, _ in r.failures])
    print([reason for _, reason in r.skipped])
    print(log)

# assertion messages
tc = unittest.TestCase()
checks = [
    lambda: tc.assertEqual(1, 2), lambda: tc.assertEqual([1, 2], [1, 3]),
    lambda: tc.assertEqual("abc", "abd"), lambda: tc.assertEqual((1,), (2,)),
    lambda: tc.assertTrue(0), lambda: tc.assertFalse([1]), lambda: tc.assertIn(5, [1, 2]),
    lambda: tc.assertNotIn(1, [1]), lambda: tc.assertIsNone(3), lambda: tc.assertIsNotNone(None),
    lambda: tc.assertIs(1, None), lambda: tc.assertIsNot(None, None),
    lambda: tc.assertIsInstance(1, str), lambda: tc.assertAlmostEqual(1.0, 1.1),
    lambda: tc.assertAlmostEqual(1, 2, delta=0.5), lambda: tc.assertGreater(1, 2),
    lambda: tc.assertGreaterEqual(1, 2), lambda: tc.assertLess(2, 1), lambda: tc.assertLessEqual(2, 1),
    lambda: tc.assertEqual(1, 2, "custom"), lambda: tc.assertRaises(ValueError, int, "5"),
    lambda: tc.assertNotEqual(3, 3), lambda: tc.assertEqual({1, 2}, {2, 3}),
    lambda: tc.fail("explicit"), lambda: tc.assertCountEqual([1, 1, 2], [1, 2, 2]),
]
for check in checks:
    try:
        check()
        print("no failure")
    except AssertionError as e:
        print("AssertionError:", str(e).split("\n")[0])
try:
    with tc.assertRaises(KeyError):
        pass
except AssertionError as e:
    print("AssertionError:", e)
with tc.assertRaises(ZeroDivisionError):
    1 / 0
try:
    with tc.assertRaises(KeyError):
        raise ValueError("not a key error")
except ValueError as e:
    print("propagated ValueError:", e)
suite = unittest.TestLoader().loadTestsFromTestCase(TestOther)
print(suite.countTestCases(), [t.id() for t in suite], unittest.TestLoader().getTestCaseNames(TestStack))
result = unittest.TestResult()
suite.run(result)
print(result.testsRun, result.wasSuccessful(), len(result.skipped), repr(result))
print(TestStack("test_push_pop").shortDescription(), TestStack("test_push_pop").id(), str(TestStack("test_failure")))
sys.stdout.flush()
