import io
import os
import sys
import warnings


def show(w):
    print(w.category.__name__, str(w.message), os.path.basename(w.filename), w.lineno)


def old_api(x):
    warnings.warn("old_api is deprecated, use new_api", DeprecationWarning, stacklevel=2)
    return x * 2


def risky():
    warnings.warn("risky thing")


# default output goes to stderr: capture it
err = io.StringIO()
saved = sys.stderr
sys.stderr = err
try:
    risky()
    risky()  # same location: shown once under "default"
    warnings.warn("explicit category", RuntimeWarning)
    warnings.warn(UserWarning("an instance"))
    old_api(1)  # DeprecationWarning triggered from __main__ code: shown
finally:
    sys.stderr = saved
text = err.getvalue().replace(os.path.dirname(os.path.abspath(__file__)) + os.sep, "")
print(text)

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for i in range(3):
        risky()
    old_api(2)
    warnings.warn("future change", FutureWarning)
    warnings.warn("resource", ResourceWarning)
print(len(caught))
for w in caught:
    show(w)
print(caught[0].message.args, type(caught[0].message).__name__, str(caught[0])[:40])

with warnings.catch_warnings():
    warnings.simplefilter("error")
    try:
        risky()
    except UserWarning as e:
        print("raised", type(e).__name__, e)
    try:
        warnings.warn("bad value", RuntimeWarning)
    except RuntimeWarning as e:
        print("raised", repr(e))

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("ignore")
    risky()
    warnings.warn("nothing", RuntimeWarning)
print("ignored:", len(caught))

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    warnings.filterwarnings("ignore", message="risky")
    warnings.filterwarnings("error", category=RuntimeWarning)
    risky()
    warnings.warn("Risky too")
    warnings.warn("other message")
    try:
        warnings.warn("as error", RuntimeWarning)
    except RuntimeWarning as e:
        print("error filter:", e)
print([str(w.message) for w in caught])

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("once")
    for i in range(3):
        warnings.warn("once only")
        warnings.warn("once only", RuntimeWarning)
print("once:", [(w.category.__name__, str(w.message)) for w in caught])

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("default")
    for i in range(3):
        risky()
    for i in range(2):
        warnings.warn("loop %d" % (i % 1))
print("default:", [str(w.message) for w in caught])

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("module")
    risky()
    warnings.warn("risky thing")
print("module:", len(caught))

print(warnings.formatwarning("msg", UserWarning, "file.py", 10, "  x = compute()  "), end="")
print(repr(warnings.formatwarning("msg", DeprecationWarning, "<string>", 3)))

# custom showwarning hook
log = []
def hook(message, category, filename, lineno, file=None, line=None):
    log.append("%s: %s" % (category.__name__, message))
saved_hook = warnings.showwarning
warnings.showwarning = hook
with warnings.catch_warnings():
    warnings.simplefilter("always")
    warnings.warn("to the hook", SyntaxWarning)
warnings.showwarning = saved_hook
print(log)

print(warnings.filters[0][0], [f[2].__name__ for f in warnings.filters[:5]])
n = len(warnings.filters)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    print(len(warnings.filters) == n + 1, warnings.filters[0][:3])
print(len(warnings.filters) == n)
warnings.simplefilter("ignore", ImportWarning, append=True)
print(len(warnings.filters) == n)

try:
    warnings.simplefilter("bogus")
except AssertionError as e:
    print("AssertionError", e)
try:
    warnings.warn("x", int)
except TypeError as e:
    print("TypeError", e)
print(issubclass(FutureWarning, Warning), issubclass(PendingDeprecationWarning, Warning),
      issubclass(BytesWarning, Warning), issubclass(EncodingWarning, Warning))
w = warnings.WarningMessage("m", UserWarning, "f.py", 1)
print(w)
