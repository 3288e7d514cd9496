# doctest imports (it needs io.IncrementalNewlineDecoder and sys.stdin through pdb) and
# testmod() reports passing and failing examples as CPython's does.
import contextlib
import io
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)

import doctest
from bufio_support import doctest_sample


def run(**kwargs):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = doctest.testmod(doctest_sample, **kwargs)
    # the report names the module's file: print it relative to this directory
    print(out.getvalue().replace(here + os.sep, ""), end="")
    print(result)


run()
run(verbose=False, report=False)
run(optionflags=doctest.ELLIPSIS | doctest.REPORT_ONLY_FIRST_FAILURE)
finder = doctest.DocTestFinder()
for test in finder.find(doctest_sample):
    print(test.name, len(test.examples), test.lineno)
parser = doctest.DocTestParser()
examples = parser.get_examples(">>> x = 1\n>>> x + 1\n2\n")
print([(e.source, e.want) for e in examples])
print(doctest.run_docstring_examples.__name__, doctest.OutputChecker().check_output("3\n", "3\n", 0))
print(isinstance(sys.stdin, io.TextIOBase), sys.stdin.encoding.lower(), sys.stdin.name)
