"""Unit testing (`unittest`) for pyguest: the commonly used part of CPython 3.11's framework.

* `TestCase` with `setUp`/`tearDown`, `setUpClass`/`tearDownClass`, `addCleanup`,
  `skipTest`, `subTest`, `id`, `shortDescription`, `fail`, `failureException`,
  `longMessage`, `maxDiff`, and the assertions `assertEqual`/`NotEqual`, `True`/`False`,
  `Is`/`IsNot`, `IsNone`/`IsNotNone`, `In`/`NotIn`, `IsInstance`/`NotIsInstance`,
  `Raises` (call form and context manager with `.exception`), `RaisesRegex`, `Warns` (context
  manager, needs `warnings`), `AlmostEqual`/`NotAlmostEqual` (`places`, `delta`),
  `Greater`/`GreaterEqual`/`Less`/`LessEqual`, `CountEqual`, `Regex`/`NotRegex`, the typed
  `List`/`Tuple`/`Dict`/`Set`/`Sequence`/`MultiLine` equality checks, with CPython's messages
  (the diff text CPython appends for long containers and strings is not produced);
* `skip`, `skipIf`, `skipUnless`, `expectedFailure`, `SkipTest`;
* `TestSuite`, `TestLoader` (`loadTestsFromTestCase`, `loadTestsFromModule`,
  `loadTestsFromName(s)`, `getTestCaseNames`), `defaultTestLoader`, `TestResult`,
  `TextTestResult`, `TextTestRunner`;
* `main()`: runs the tests of `__main__` (or names from `argv`, `-v`/`-q`, `-f`/`--failfast`),
  prints the dots, failure reports, "Ran N tests in T.TTTs" and "OK"/"FAILED (...)" to stderr
  like CPython, then exits with status 0/1 (`exit=False` returns the program object).

Regular expressions (`assertRegex`, `assertRaisesRegex`) need the `re` module; without it the
pattern is searched as plain text. Tracebacks in failure reports come from `traceback` when it
exists, else from the interpreter's traceback entries.
"""

import sys
import time

__all__ = ["TestResult", "TestCase", "TestSuite", "TextTestRunner", "TestLoader",
           "FunctionTestCase", "main", "defaultTestLoader", "SkipTest", "skip", "skipIf",
           "skipUnless", "expectedFailure", "TextTestResult"]

__unittest = True

_MAX_LENGTH = 80


def safe_repr(obj, short=False):
    try:
        result = repr(obj)
    except Exception:
        result = object.__repr__(obj)
    if not short or len(result) < _MAX_LENGTH:
        return result
    return result[:_MAX_LENGTH] + " [truncated]..."


def strclass(cls):
    return "%s.%s" % (cls.__module__, cls.__qualname__)


class SkipTest(Exception):
    """Raise this to skip a test (`self.skipTest(reason)` does)."""


class _ShouldStop(Exception):
    pass


class _UnexpectedSuccess(Exception):
    pass


def _id(obj):
    return obj


def skip(reason):
    """Unconditionally skip a test."""
    def decorator(test_item):
        if not isinstance(test_item, type):
            def skip_wrapper(*args, **kwargs):
                raise SkipTest(reason)
            skip_wrapper.__name__ = test_item.__name__
            skip_wrapper.__qualname__ = getattr(test_item, "__qualname__", test_item.__name__)
            skip_wrapper.__doc__ = test_item.__doc__
            test_item = skip_wrapper
        test_item.__unittest_skip__ = True
        test_item.__unittest_skip_why__ = reason
        return test_item
    if isinstance(reason, type(_id)):
        test_item = reason
        reason = ""
        return decorator(test_item)
    return decorator


def skipIf(condition, reason):
    if condition:
        return skip(reason)
    return _id


def skipUnless(condition, reason):
    if not condition:
        return skip(reason)
    return _id


def expectedFailure(test_item):
    test_item.__unittest_expecting_failure__ = True
    return test_item


def _search(pattern, text):
    try:
        import re
    except ImportError:
        return pattern in text
    if isinstance(pattern, str):
        pattern = re.compile(pattern)
    return pattern.search(text) is not None


def _pattern_text(pattern):
    return getattr(pattern, "pattern", pattern)


class _AssertRaisesContext:
    def __init__(self, expected, test_case, expected_regex=None, msg=None):
        self.expected = expected
        self.test_case = test_case
        self.expected_regex = expected_regex
        self.msg = msg
        self.exception = None

    def _fail(self, standard):
        raise self.test_case.failureException(self.test_case._formatMessage(self.msg, standard))

    def handle(self, name, args, kwargs):
        if not args:
            self.msg = kwargs.pop("msg", None)
            if kwargs:
                raise TypeError("%r is an invalid keyword argument for this function"
                                % (next(iter(kwargs)),))
            return self
        callable_obj, args = args[0], args[1:]
        self.obj_name = getattr(callable_obj, "__name__", str(callable_obj))
        with self:
            callable_obj(*args, **kwargs)
        return None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, tb):
        if exc_type is None:
            try:
                exc_name = self.expected.__name__
            except AttributeError:
                exc_name = str(self.expected)
            obj_name = getattr(self, "obj_name", None)
            if obj_name:
                self._fail("{} not raised by {}".format(exc_name, obj_name))
            self._fail("{} not raised".format(exc_name))
        if not issubclass(exc_type, self.expected):
            return False
        self.exception = exc_value
        if self.expected_regex is None:
            return True
        if not _search(self.expected_regex, str(exc_value)):
            self._fail('"{}" does not match "{}"'.format(_pattern_text(self.expected_regex),
                                                         str(exc_value)))
        return True


class _AssertWarnsContext:
    def __init__(self, expected, test_case, expected_regex=None, msg=None):
        self.expected = expected
        self.test_case = test_case
        self.expected_regex = expected_regex
        self.msg = msg
        self.warning = None

    def handle(self, name, args, kwargs):
        if not args:
            self.msg = kwargs.pop("msg", None)
            return self
        callable_obj, args = args[0], args[1:]
        with self:
            callable_obj(*args, **kwargs)
        return None

    def __enter__(self):
        import warnings
        self._cm = warnings.catch_warnings(record=True)
        self.warnings = self._cm.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, exc_type, exc_value, tb):
        self._cm.__exit__(exc_type, exc_value, tb)
        if exc_type is not None:
            return False
        for m in self.warnings:
            w = m.message
            if not isinstance(w, self.expected):
                continue
            if self.expected_regex is not None and not _search(self.expected_regex, str(w)):
                continue
            self.warning = w
            self.filename = m.filename
            self.lineno = m.lineno
            return True
        name = getattr(self.expected, "__name__", str(self.expected))
        raise self.test_case.failureException(
            self.test_case._formatMessage(self.msg, "{} not triggered".format(name)))


class _SubTest:
    def __init__(self, test_case, message, params):
        self.test_case = test_case
        self._message = message
        self.params = params
        self.failureException = test_case.failureException

    def _subDescription(self):
        parts = []
        if self._message is not _subtest_default:
            parts.append("[{}]".format(self._message))
        if self.params:
            parts.append("({})".format(", ".join("{}={!r}".format(k, v)
                                                 for k, v in self.params.items())))
        return " ".join(parts) or "(<subtest>)"

    def id(self):
        return "{} {}".format(self.test_case.id(), self._subDescription())

    def shortDescription(self):
        return self.test_case.shortDescription()

    def __str__(self):
        return "{} {}".format(self.test_case, self._subDescription())


_subtest_default = object()


class _SubTestContext:
    def __init__(self, case, msg, params):
        self.case = case
        self.sub = _SubTest(case, msg, params)

    def __enter__(self):
        return None

    def __exit__(self, exc_type, exc, tb):
        result = self.case._current_result
        if exc_type is None:
            return False
        if issubclass(exc_type, SkipTest):
            result.addSkip(self.sub, str(exc))
            return True
        if issubclass(exc_type, (KeyboardInterrupt, SystemExit)):
            return False
        info = (exc_type, exc, tb)
        if issubclass(exc_type, self.case.failureException):
            result.addSubTest(self.case, self.sub, info, failure=True)
        else:
            result.addSubTest(self.case, self.sub, info, failure=False)
        self.case._subtest_failed = True
        return True


class TestCase:
    """A test case: methods named `test*` are the tests; override `setUp`/`tearDown`."""

    failureException = AssertionError
    longMessage = True
    maxDiff = 80 * 8
    _classSetupFailed = False

    def __init__(self, methodName="runTest"):
        self._testMethodName = methodName
        self._cleanups = []
        self._current_result = None
        self._subtest_failed = False
        try:
            testMethod = getattr(self, methodName)
        except AttributeError:
            if methodName != "runTest":
                raise ValueError("no such test method in %s: %s" % (self.__class__, methodName))
            self._testMethodDoc = None
        else:
            self._testMethodDoc = getattr(testMethod, "__doc__", None)

    @classmethod
    def setUpClass(cls):
        pass

    @classmethod
    def tearDownClass(cls):
        pass

    def setUp(self):
        pass

    def tearDown(self):
        pass

    def addCleanup(self, function, /, *args, **kwargs):
        self._cleanups.append((function, args, kwargs))

    def doCleanups(self):
        ok = True
        while self._cleanups:
            function, args, kwargs = self._cleanups.pop()
            try:
                function(*args, **kwargs)
            except Exception:
                ok = False
                if self._current_result is not None:
                    self._current_result.addError(self, sys.exc_info())
        return ok

    def countTestCases(self):
        return 1

    def defaultTestResult(self):
        return TestResult()

    def shortDescription(self):
        doc = self._testMethodDoc
        return doc.strip().split("\n")[0].strip() if doc else None

    def id(self):
        return "%s.%s" % (strclass(self.__class__), self._testMethodName)

    def __eq__(self, other):
        if type(self) is not type(other):
            return NotImplemented
        return self._testMethodName == other._testMethodName

    def __hash__(self):
        return hash((type(self), self._testMethodName))

    def __str__(self):
        return "%s (%s.%s)" % (self._testMethodName, strclass(self.__class__),
                               self._testMethodName)

    def __repr__(self):
        return "<%s testMethod=%s>" % (strclass(self.__class__), self._testMethodName)

    def subTest(self, msg=_subtest_default, **params):
        return _SubTestContext(self, msg, params)

    def skipTest(self, reason):
        raise SkipTest(reason)

    def fail(self, msg=None):
        raise self.failureException(msg)

    def __call__(self, *args, **kwds):
        return self.run(*args, **kwds)

    def debug(self):
        self.setUp()
        getattr(self, self._testMethodName)()
        self.tearDown()
        while self._cleanups:
            function, args, kwargs = self._cleanups.pop(-1)
            function(*args, **kwargs)

    def run(self, result=None):
        if result is None:
            result = self.defaultTestResult()
        self._current_result = result
        self._subtest_failed = False
        result.startTest(self)
        try:
            testMethod = getattr(self, self._testMethodName)
            if (getattr(self.__class__, "__unittest_skip__", False) or
                    getattr(testMethod, "__unittest_skip__", False)):
                why = (getattr(self.__class__, "__unittest_skip_why__", "")
                       or getattr(testMethod, "__unittest_skip_why__", ""))
                result.addSkip(self, why)
                return result
            expecting_failure = getattr(testMethod, "__unittest_expecting_failure__", False)
            outcome_ok = self._run_part(result, self.setUp)
            if outcome_ok:
                outcome_ok = self._run_part(result, testMethod, expecting_failure)
                tear_ok = self._run_part(result, self.tearDown)
                if outcome_ok != "xfail":
                    outcome_ok = outcome_ok and tear_ok
            cleanups_ok = self.doCleanups()
            if outcome_ok == "xfail":
                pass
            elif outcome_ok and cleanups_ok and not self._subtest_failed:
                if expecting_failure:
                    result.addUnexpectedSuccess(self)
                else:
                    result.addSuccess(self)
            return result
        finally:
            result.stopTest(self)
            self._current_result = None

    def _run_part(self, result, fn, expecting_failure=False):
        try:
            fn()
        except KeyboardInterrupt:
            raise
        except SkipTest as e:
            result.addSkip(self, str(e))
            return False
        except self.failureException:
            if expecting_failure:
                result.addExpectedFailure(self, sys.exc_info())
                return "xfail"
            result.addFailure(self, sys.exc_info())
            return False
        except BaseException as e:
            if isinstance(e, SystemExit) and False:
                raise
            if expecting_failure:
                result.addExpectedFailure(self, sys.exc_info())
                return "xfail"
            result.addError(self, sys.exc_info())
            return False
        if expecting_failure and self._subtest_failed:
            return "xfail"
        return True

    # ---- assertions

    def _formatMessage(self, msg, standardMsg):
        if not self.longMessage:
            return msg or standardMsg
        if msg is None:
            return standardMsg
        try:
            return "%s : %s" % (standardMsg, msg)
        except UnicodeDecodeError:
            return "%s : %s" % (safe_repr(standardMsg), safe_repr(msg))

    def assertTrue(self, expr, msg=None):
        if not expr:
            msg = self._formatMessage(msg, "%s is not true" % safe_repr(expr))
            raise self.failureException(msg)

    def assertFalse(self, expr, msg=None):
        if expr:
            msg = self._formatMessage(msg, "%s is not false" % safe_repr(expr))
            raise self.failureException(msg)

    def _baseAssertEqual(self, first, second, msg=None):
        if not first == second:
            standardMsg = "%s != %s" % (safe_repr(first), safe_repr(second))
            raise self.failureException(self._formatMessage(msg, standardMsg))

    def _typed_equal(self, first, second, msg, kind):
        if not first == second:
            standardMsg = "%s != %s" % (safe_repr(first, True), safe_repr(second, True))
            if kind is not None:
                standardMsg = "%s differ: %s" % (kind, standardMsg)
            raise self.failureException(self._formatMessage(msg, standardMsg))

    def assertEqual(self, first, second, msg=None):
        if type(first) is type(second):
            tp = type(first)
            if tp is list:
                return self.assertListEqual(first, second, msg)
            if tp is tuple:
                return self.assertTupleEqual(first, second, msg)
            if tp is dict:
                return self.assertDictEqual(first, second, msg)
            if tp in (set, frozenset):
                return self.assertSetEqual(first, second, msg)
            if tp is str:
                return self.assertMultiLineEqual(first, second, msg)
        self._baseAssertEqual(first, second, msg)

    def assertNotEqual(self, first, second, msg=None):
        if not first != second:
            msg = self._formatMessage(msg, "%s == %s" % (safe_repr(first), safe_repr(second)))
            raise self.failureException(msg)

    def assertListEqual(self, list1, list2, msg=None):
        self._typed_equal(list1, list2, msg, "Lists")

    def assertTupleEqual(self, tuple1, tuple2, msg=None):
        self._typed_equal(tuple1, tuple2, msg, "Tuples")

    def assertSequenceEqual(self, seq1, seq2, msg=None, seq_type=None):
        self._typed_equal(seq1, seq2, msg, "Sequences")

    def assertDictEqual(self, d1, d2, msg=None):
        if d1 != d2:
            standardMsg = "%s != %s" % (safe_repr(d1, True), safe_repr(d2, True))
            raise self.failureException(self._formatMessage(msg, standardMsg))

    def assertSetEqual(self, set1, set2, msg=None):
        try:
            difference1 = set1.difference(set2)
        except TypeError as e:
            self.fail("invalid type when attempting set difference: %s" % e)
        except AttributeError as e:
            self.fail("first argument does not support set difference: %s" % e)
        try:
            difference2 = set2.difference(set1)
        except TypeError as e:
            self.fail("invalid type when attempting set difference: %s" % e)
        except AttributeError as e:
            self.fail("second argument does not support set difference: %s" % e)
        if not (difference1 or difference2):
            return
        lines = []
        if difference1:
            lines.append("Items in the first set but not the second:")
            for item in difference1:
                lines.append(repr(item))
        if difference2:
            lines.append("Items in the second set but not the first:")
            for item in difference2:
                lines.append(repr(item))
        self.fail(self._formatMessage(msg, "\n".join(lines)))

    def assertMultiLineEqual(self, first, second, msg=None):
        if not isinstance(first, str):
            self.fail(self._formatMessage(msg, "First argument is not a string"))
        if not isinstance(second, str):
            self.fail(self._formatMessage(msg, "Second argument is not a string"))
        if first != second:
            standardMsg = "%s != %s" % (safe_repr(first, True), safe_repr(second, True))
            self.fail(self._formatMessage(msg, standardMsg))

    def assertIs(self, expr1, expr2, msg=None):
        if expr1 is not expr2:
            standardMsg = "%s is not %s" % (safe_repr(expr1), safe_repr(expr2))
            self.fail(self._formatMessage(msg, standardMsg))

    def assertIsNot(self, expr1, expr2, msg=None):
        if expr1 is expr2:
            standardMsg = "unexpectedly identical: %s" % (safe_repr(expr1),)
            self.fail(self._formatMessage(msg, standardMsg))

    def assertIsNone(self, obj, msg=None):
        if obj is not None:
            standardMsg = "%s is not None" % (safe_repr(obj),)
            self.fail(self._formatMessage(msg, standardMsg))

    def assertIsNotNone(self, obj, msg=None):
        if obj is None:
            standardMsg = "unexpectedly None"
            self.fail(self._formatMessage(msg, standardMsg))

    def assertIn(self, member, container, msg=None):
        if member not in container:
            standardMsg = "%s not found in %s" % (safe_repr(member), safe_repr(container))
            self.fail(self._formatMessage(msg, standardMsg))

    def assertNotIn(self, member, container, msg=None):
        if member in container:
            standardMsg = "%s unexpectedly found in %s" % (safe_repr(member),
                                                           safe_repr(container))
            self.fail(self._formatMessage(msg, standardMsg))

    def assertIsInstance(self, obj, cls, msg=None):
        if not isinstance(obj, cls):
            standardMsg = "%s is not an instance of %r" % (safe_repr(obj), cls)
            self.fail(self._formatMessage(msg, standardMsg))

    def assertNotIsInstance(self, obj, cls, msg=None):
        if isinstance(obj, cls):
            standardMsg = "%s is an instance of %r" % (safe_repr(obj), cls)
            self.fail(self._formatMessage(msg, standardMsg))

    def assertRaises(self, expected_exception, *args, **kwargs):
        context = _AssertRaisesContext(expected_exception, self)
        return context.handle("assertRaises", args, kwargs)

    def assertRaisesRegex(self, expected_exception, expected_regex, *args, **kwargs):
        context = _AssertRaisesContext(expected_exception, self, expected_regex)
        return context.handle("assertRaisesRegex", args, kwargs)

    def assertWarns(self, expected_warning, *args, **kwargs):
        context = _AssertWarnsContext(expected_warning, self)
        return context.handle("assertWarns", args, kwargs)

    def assertWarnsRegex(self, expected_warning, expected_regex, *args, **kwargs):
        context = _AssertWarnsContext(expected_warning, self, expected_regex)
        return context.handle("assertWarnsRegex", args, kwargs)

    def assertAlmostEqual(self, first, second, places=None, msg=None, delta=None):
        if first == second:
            return
        if delta is not None and places is not None:
            raise TypeError("specify delta or places not both")
        diff = abs(first - second)
        if delta is not None:
            if diff <= delta:
                return
            standardMsg = "%s != %s within %s delta (%s difference)" % (
                safe_repr(first), safe_repr(second), safe_repr(delta), safe_repr(diff))
        else:
            if places is None:
                places = 7
            if round(diff, places) == 0:
                return
            standardMsg = "%s != %s within %r places (%s difference)" % (
                safe_repr(first), safe_repr(second), places, safe_repr(diff))
        self.fail(self._formatMessage(msg, standardMsg))

    def assertNotAlmostEqual(self, first, second, places=None, msg=None, delta=None):
        if delta is not None and places is not None:
            raise TypeError("specify delta or places not both")
        diff = abs(first - second)
        if delta is not None:
            if not (first == second) and diff > delta:
                return
            standardMsg = "%s == %s within %s delta (%s difference)" % (
                safe_repr(first), safe_repr(second), safe_repr(delta), safe_repr(diff))
        else:
            if places is None:
                places = 7
            if not (first == second) and round(diff, places) != 0:
                return
            standardMsg = "%s == %s within %r places" % (safe_repr(first), safe_repr(second),
                                                         places)
        self.fail(self._formatMessage(msg, standardMsg))

    def assertLess(self, a, b, msg=None):
        if not a < b:
            self.fail(self._formatMessage(msg, "%s not less than %s" % (safe_repr(a),
                                                                        safe_repr(b))))

    def assertLessEqual(self, a, b, msg=None):
        if not a <= b:
            self.fail(self._formatMessage(msg, "%s not less than or equal to %s"
                                          % (safe_repr(a), safe_repr(b))))

    def assertGreater(self, a, b, msg=None):
        if not a > b:
            self.fail(self._formatMessage(msg, "%s not greater than %s" % (safe_repr(a),
                                                                           safe_repr(b))))

    def assertGreaterEqual(self, a, b, msg=None):
        if not a >= b:
            self.fail(self._formatMessage(msg, "%s not greater than or equal to %s"
                                          % (safe_repr(a), safe_repr(b))))

    def assertCountEqual(self, first, second, msg=None):
        first_seq, second_seq = list(first), list(second)
        missing = []
        rest = list(second_seq)
        extra = []
        for x in first_seq:
            for i, y in enumerate(rest):
                if x == y:
                    del rest[i]
                    break
            else:
                extra.append(x)
        missing = rest
        if extra or missing:
            lines = []
            counted = []
            for elem in extra + missing:
                if any(elem == c for c in counted):
                    continue
                counted.append(elem)
                cnt_first = sum(1 for x in first_seq if x == elem)
                cnt_second = sum(1 for x in second_seq if x == elem)
                lines.append("First has %d, Second has %d:  %r" % (cnt_first, cnt_second, elem))
            standardMsg = "Element counts were not equal:\n" + "\n".join(lines)
            self.fail(self._formatMessage(msg, standardMsg))

    def assertRegex(self, text, expected_regex, msg=None):
        if not _search(expected_regex, text):
            standardMsg = "Regex didn't match: %r not found in %r" % (
                _pattern_text(expected_regex), text)
            self.fail(self._formatMessage(msg, standardMsg))

    def assertNotRegex(self, text, unexpected_regex, msg=None):
        if _search(unexpected_regex, text):
            standardMsg = "Regex matched: %r matches %r" % (text,
                                                            _pattern_text(unexpected_regex))
            self.fail(self._formatMessage(msg, standardMsg))

    failUnlessEqual = assertEquals = assertEqual
    failIfEqual = assertNotEquals = assertNotEqual
    failUnless = assert_ = assertTrue
    failIf = assertFalse
    assertRaisesRegexp = assertRaisesRegex
    assertRegexpMatches = assertRegex
    assertNotRegexpMatches = assertNotRegex


class FunctionTestCase(TestCase):
    """Wraps a plain function as a test case."""

    def __init__(self, testFunc, setUp=None, tearDown=None, description=None):
        TestCase.__init__(self)
        self._setUpFunc = setUp
        self._tearDownFunc = tearDown
        self._testFunc = testFunc
        self._description = description
        self._testMethodName = "runTest"

    def runTest(self):
        self._testFunc()

    def setUp(self):
        if self._setUpFunc is not None:
            self._setUpFunc()

    def tearDown(self):
        if self._tearDownFunc is not None:
            self._tearDownFunc()

    def id(self):
        return self._testFunc.__name__

    def __str__(self):
        return "%s (%s)" % (strclass(self.__class__), self._testFunc.__name__)

    def shortDescription(self):
        if self._description is not None:
            return self._description
        doc = self._testFunc.__doc__
        return doc and doc.split("\n")[0].strip() or None


class TestSuite:
    """A composite of tests; running it runs them in order (with class fixtures)."""

    def __init__(self, tests=()):
        self._tests = []
        self.addTests(tests)

    def __repr__(self):
        return "<%s tests=%s>" % (strclass(self.__class__), list(self))

    def __eq__(self, other):
        if not isinstance(other, self.__class__):
            return NotImplemented
        return list(self) == list(other)

    def __iter__(self):
        return iter(self._tests)

    def countTestCases(self):
        return sum(t.countTestCases() for t in self._tests)

    def addTest(self, test):
        if not callable(test):
            raise TypeError("{} is not callable".format(repr(test)))
        if isinstance(test, type) and issubclass(test, (TestCase, TestSuite)):
            raise TypeError("TestCases and TestSuites must be instantiated "
                            "before passing them to addTest()")
        self._tests.append(test)

    def addTests(self, tests):
        if isinstance(tests, str):
            raise TypeError("tests must be an iterable of tests, not a string")
        for test in tests:
            self.addTest(test)

    def _flat(self):
        for t in self._tests:
            if isinstance(t, TestSuite):
                yield from t._flat()
            else:
                yield t

    def run(self, result, debug=False):
        prev_class = None
        skipped_class = False
        for test in self._flat():
            if getattr(result, "shouldStop", False):
                break
            cls = test.__class__
            if cls is not prev_class:
                if prev_class is not None and not skipped_class:
                    self._tear_down_class(prev_class, result)
                prev_class = cls
                skipped_class = self._set_up_class(cls, result)
            if skipped_class:
                continue
            test(result)
        if prev_class is not None and not skipped_class:
            self._tear_down_class(prev_class, result)
        return result

    def __call__(self, *args, **kwds):
        return self.run(*args, **kwds)

    def _set_up_class(self, cls, result):
        if not hasattr(cls, "setUpClass") or getattr(cls, "__unittest_skip__", False):
            return False
        try:
            cls.setUpClass()
        except SkipTest as e:
            result.addSkip(_ErrorHolder("setUpClass (%s)" % strclass(cls)), str(e))
            return True
        except Exception:
            result.addError(_ErrorHolder("setUpClass (%s)" % strclass(cls)), sys.exc_info())
            return True
        return False

    def _tear_down_class(self, cls, result):
        if not hasattr(cls, "tearDownClass") or getattr(cls, "__unittest_skip__", False):
            return
        try:
            cls.tearDownClass()
        except Exception:
            result.addError(_ErrorHolder("tearDownClass (%s)" % strclass(cls)), sys.exc_info())


class _ErrorHolder:
    """Stands in for a test when a class fixture fails."""

    failureException = None

    def __init__(self, description):
        self.description = description

    def id(self):
        return self.description

    def shortDescription(self):
        return None

    def __str__(self):
        return self.description

    def countTestCases(self):
        return 0


def _format_exc_info(err):
    exctype, value, tb = err
    try:
        import traceback
        lines = traceback.format_exception(exctype, value, tb)
        return "".join(lines)
    except Exception:
        pass
    out = ["Traceback (most recent call last):\n"]
    entries = getattr(value, "__traceback__", None)
    if isinstance(entries, list):
        for entry in entries:
            try:
                code, line = entry[0], entry[1]
                fname, name = code.co_filename, code.co_name
            except (AttributeError, IndexError, TypeError):
                continue
            if fname.rsplit("/", 1)[-1] == "unittest.py":
                continue
            out.append('  File "%s", line %d, in %s\n' % (fname, line, name))
            try:
                with open(fname) as fh:
                    src = fh.read().splitlines()
                if 0 < line <= len(src):
                    out.append("    %s\n" % src[line - 1].strip())
            except (OSError, UnicodeDecodeError):
                pass
    text = str(value)
    name = exctype.__qualname__ if exctype.__module__ in ("builtins", "__main__") else \
        exctype.__module__ + "." + exctype.__qualname__
    out.append("%s: %s\n" % (name, text) if text else "%s\n" % name)
    return "".join(out)


class TestResult:
    """Collects the outcome of tests: `failures`, `errors`, `skipped`, `expectedFailures`,
    `unexpectedSuccesses`, `testsRun`, `wasSuccessful()`."""

    _previousTestClass = None

    def __init__(self, stream=None, descriptions=None, verbosity=None):
        self.failfast = False
        self.failures = []
        self.errors = []
        self.testsRun = 0
        self.skipped = []
        self.expectedFailures = []
        self.unexpectedSuccesses = []
        self.shouldStop = False
        self.buffer = False
        self.tb_locals = False

    def printErrors(self):
        pass

    def startTest(self, test):
        self.testsRun += 1

    def startTestRun(self):
        pass

    def stopTest(self, test):
        pass

    def stopTestRun(self):
        pass

    def addError(self, test, err):
        self.errors.append((test, self._exc_info_to_string(err, test)))
        if self.failfast:
            self.stop()

    def addFailure(self, test, err):
        self.failures.append((test, self._exc_info_to_string(err, test)))
        if self.failfast:
            self.stop()

    def addSubTest(self, test, subtest, err, failure=None):
        if err is not None:
            if failure:
                self.failures.append((subtest, self._exc_info_to_string(err, test)))
            else:
                self.errors.append((subtest, self._exc_info_to_string(err, test)))
            if self.failfast:
                self.stop()

    def addSuccess(self, test):
        pass

    def addSkip(self, test, reason):
        self.skipped.append((test, reason))

    def addExpectedFailure(self, test, err):
        self.expectedFailures.append((test, self._exc_info_to_string(err, test)))

    def addUnexpectedSuccess(self, test):
        self.unexpectedSuccesses.append(test)

    def wasSuccessful(self):
        return ((len(self.failures) == len(self.errors) == 0) and
                (not hasattr(self, "unexpectedSuccesses") or
                 len(self.unexpectedSuccesses) == 0))

    def stop(self):
        self.shouldStop = True

    def _exc_info_to_string(self, err, test):
        return _format_exc_info(err)

    def __repr__(self):
        cls = self.__class__
        name = strclass(cls)
        if cls.__module__ == __name__:
            # CPython's classes live in submodules of the unittest package
            sub = "runner" if cls.__name__ == "TextTestResult" else "result"
            name = "unittest.%s.%s" % (sub, cls.__qualname__)
        return ("<%s run=%i errors=%i failures=%i>" %
                (name, self.testsRun, len(self.errors),
                 len(self.failures)))


class _WritelnDecorator:
    def __init__(self, stream):
        self.stream = stream

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, arg):
        self.stream.write(arg)

    def writeln(self, arg=None):
        if arg:
            self.write(arg)
        self.write("\n")

    def flush(self):
        f = getattr(self.stream, "flush", None)
        if f is not None:
            f()


class TextTestResult(TestResult):
    """A result that prints progress ('.', 'F', 'E', 's', 'x', 'u' or verbose lines)."""

    separator1 = "=" * 70
    separator2 = "-" * 70

    def __init__(self, stream, descriptions, verbosity):
        TestResult.__init__(self, stream, descriptions, verbosity)
        self.stream = stream
        self.showAll = verbosity > 1
        self.dots = verbosity == 1
        self.descriptions = descriptions
        self._newline = True

    def getDescription(self, test):
        doc_first_line = test.shortDescription()
        if self.descriptions and doc_first_line:
            return "\n".join((str(test), doc_first_line))
        return str(test)

    def startTest(self, test):
        TestResult.startTest(self, test)
        if self.showAll:
            self.stream.write(self.getDescription(test))
            self.stream.write(" ... ")
            self.stream.flush()
            self._newline = False

    def _write_status(self, test, status):
        is_subtest = isinstance(test, _SubTest)
        if is_subtest or self._newline:
            if not self._newline:
                self.stream.writeln()
            if is_subtest:
                self.stream.write("  ")
            self.stream.write(self.getDescription(test))
            self.stream.write(" ... ")
        self.stream.writeln(status)
        self.stream.flush()
        self._newline = True

    def addSubTest(self, test, subtest, err, failure=None):
        if err is not None:
            if self.showAll:
                self._write_status(subtest, "FAIL" if failure else "ERROR")
            elif self.dots:
                self.stream.write("F" if failure else "E")
                self.stream.flush()
        TestResult.addSubTest(self, test, subtest, err, failure)

    def addSuccess(self, test):
        TestResult.addSuccess(self, test)
        if self.showAll:
            self._write_status(test, "ok")
        elif self.dots:
            self.stream.write(".")
            self.stream.flush()

    def addError(self, test, err):
        TestResult.addError(self, test, err)
        if self.showAll:
            self._write_status(test, "ERROR")
        elif self.dots:
            self.stream.write("E")
            self.stream.flush()

    def addFailure(self, test, err):
        TestResult.addFailure(self, test, err)
        if self.showAll:
            self._write_status(test, "FAIL")
        elif self.dots:
            self.stream.write("F")
            self.stream.flush()

    def addSkip(self, test, reason):
        TestResult.addSkip(self, test, reason)
        if self.showAll:
            self._write_status(test, "skipped {0!r}".format(reason))
        elif self.dots:
            self.stream.write("s")
            self.stream.flush()

    def addExpectedFailure(self, test, err):
        TestResult.addExpectedFailure(self, test, err)
        if self.showAll:
            self.stream.writeln("expected failure")
            self.stream.flush()
        elif self.dots:
            self.stream.write("x")
            self.stream.flush()

    def addUnexpectedSuccess(self, test):
        TestResult.addUnexpectedSuccess(self, test)
        if self.showAll:
            self.stream.writeln("unexpected success")
            self.stream.flush()
        elif self.dots:
            self.stream.write("u")
            self.stream.flush()

    def printErrors(self):
        if self.dots or self.showAll:
            self.stream.writeln()
            self.stream.flush()
        self.printErrorList("ERROR", self.errors)
        self.printErrorList("FAIL", self.failures)
        unexpected = getattr(self, "unexpectedSuccesses", ())
        if unexpected:
            self.stream.writeln(self.separator1)
            for test in unexpected:
                self.stream.writeln("UNEXPECTED SUCCESS: %s" % self.getDescription(test))
            self.stream.flush()

    def printErrorList(self, flavour, errors):
        for test, err in errors:
            self.stream.writeln(self.separator1)
            self.stream.writeln("%s: %s" % (flavour, self.getDescription(test)))
            self.stream.writeln(self.separator2)
            self.stream.writeln("%s" % err)
            self.stream.flush()


class TextTestRunner:
    """Runs a suite, printing progress and a summary to `stream` (stderr by default)."""

    resultclass = TextTestResult

    def __init__(self, stream=None, descriptions=True, verbosity=1, failfast=False,
                 buffer=False, resultclass=None, warnings=None, *, tb_locals=False):
        if stream is None:
            stream = sys.stderr
        self.stream = _WritelnDecorator(stream)
        self.descriptions = descriptions
        self.verbosity = verbosity
        self.failfast = failfast
        self.buffer = buffer
        self.tb_locals = tb_locals
        self.warnings = warnings
        if resultclass is not None:
            self.resultclass = resultclass

    def _makeResult(self):
        return self.resultclass(self.stream, self.descriptions, self.verbosity)

    def run(self, test):
        result = self._makeResult()
        result.failfast = self.failfast
        result.buffer = self.buffer
        start = time.perf_counter()
        result.startTestRun()
        try:
            test(result)
        finally:
            result.stopTestRun()
        stop = time.perf_counter()
        time_taken = stop - start
        result.printErrors()
        if hasattr(result, "separator2"):
            self.stream.writeln(result.separator2)
        run = result.testsRun
        self.stream.writeln("Ran %d test%s in %.3fs" % (run, run != 1 and "s" or "", time_taken))
        self.stream.writeln()
        infos = []
        failed, errored = len(result.failures), len(result.errors)
        skipped = len(result.skipped)
        expected_fails = len(result.expectedFailures)
        unexpected_successes = len(result.unexpectedSuccesses)
        if not result.wasSuccessful():
            self.stream.write("FAILED")
            if failed:
                infos.append("failures=%d" % failed)
            if errored:
                infos.append("errors=%d" % errored)
        else:
            self.stream.write("OK")
        if skipped:
            infos.append("skipped=%d" % skipped)
        if expected_fails:
            infos.append("expected failures=%d" % expected_fails)
        if unexpected_successes:
            infos.append("unexpected successes=%d" % unexpected_successes)
        if infos:
            self.stream.writeln(" (%s)" % (", ".join(infos),))
        else:
            self.stream.write("\n")
        self.stream.flush()
        return result


class TestLoader:
    """Builds suites from test case classes, modules and names."""

    testMethodPrefix = "test"
    sortTestMethodsUsing = staticmethod(lambda a, b: (a > b) - (a < b))
    testNamePatterns = None
    suiteClass = TestSuite

    def __init__(self):
        self.errors = []

    def getTestCaseNames(self, testCaseClass):
        names = []
        for name in dir(testCaseClass):
            if not name.startswith(self.testMethodPrefix):
                continue
            if callable(getattr(testCaseClass, name, None)):
                names.append(name)
        names.sort()
        return names

    def loadTestsFromTestCase(self, testCaseClass):
        if issubclass(testCaseClass, TestSuite):
            raise TypeError("Test cases should not be derived from TestSuite. "
                            "Maybe you meant to derive from TestCase?")
        names = self.getTestCaseNames(testCaseClass)
        if not names and hasattr(testCaseClass, "runTest"):
            names = ["runTest"]
        return self.suiteClass([testCaseClass(n) for n in names])

    def loadTestsFromModule(self, module, *args, pattern=None, **kws):
        tests = []
        for name in sorted(dir(module)):
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, TestCase) and obj is not TestCase \
                    and obj is not FunctionTestCase:
                tests.append(self.loadTestsFromTestCase(obj))
        load_tests = getattr(module, "load_tests", None)
        suite = self.suiteClass(tests)
        if load_tests is not None:
            return load_tests(self, suite, pattern)
        return suite

    def loadTestsFromName(self, name, module=None):
        parts = name.split(".")
        if module is None:
            import importlib
            mod = importlib.import_module(parts[0])
            parts = parts[1:]
            obj = mod
        else:
            obj = module
        parent = None
        for part in parts:
            parent, obj = obj, getattr(obj, part)
        if isinstance(obj, type(sys)):
            return self.loadTestsFromModule(obj)
        if isinstance(obj, type) and issubclass(obj, TestCase):
            return self.loadTestsFromTestCase(obj)
        if isinstance(parent, type) and issubclass(parent, TestCase):
            return self.suiteClass([parent(parts[-1])])
        if isinstance(obj, TestSuite):
            return obj
        if callable(obj):
            test = obj()
            if isinstance(test, (TestSuite, TestCase)):
                return test
        raise TypeError("don't know how to make test from: %s" % obj)

    def loadTestsFromNames(self, names, module=None):
        return self.suiteClass([self.loadTestsFromName(name, module) for name in names])


defaultTestLoader = TestLoader()


class TestProgram:
    """The command-line front end behind `unittest.main()`."""

    def __init__(self, module="__main__", defaultTest=None, argv=None, testRunner=None,
                 testLoader=defaultTestLoader, exit=True, verbosity=1, failfast=None,
                 catchbreak=None, buffer=None, warnings=None, *, tb_locals=False):
        if isinstance(module, str):
            self.module = sys.modules[module]
        else:
            self.module = module
        if argv is None:
            argv = sys.argv
        self.exit = exit
        self.failfast = failfast or False
        self.verbosity = verbosity
        self.defaultTest = defaultTest
        self.testRunner = testRunner
        self.testLoader = testLoader
        self.progName = argv[0] if argv else "python -m unittest"
        self.parseArgs(argv)
        self.runTests()

    def parseArgs(self, argv):
        names = []
        for arg in argv[1:]:
            if arg in ("-v", "--verbose"):
                self.verbosity = 2
            elif arg in ("-q", "--quiet"):
                self.verbosity = 0
            elif arg in ("-f", "--failfast"):
                self.failfast = True
            elif arg.startswith("-"):
                pass
            else:
                names.append(arg)
        if not names and self.defaultTest is not None:
            names = [self.defaultTest] if isinstance(self.defaultTest, str) \
                else list(self.defaultTest)
        if names:
            self.test = self.testLoader.loadTestsFromNames(names, self.module)
        else:
            self.test = self.testLoader.loadTestsFromModule(self.module)

    def runTests(self):
        runner = self.testRunner
        if runner is None:
            runner = TextTestRunner
        if isinstance(runner, type):
            runner = runner(verbosity=self.verbosity, failfast=self.failfast)
        self.result = runner.run(self.test)
        if self.exit:
            sys.exit(not self.result.wasSuccessful())


main = TestProgram
