# atexit: callbacks run after the main module, last registered first; errors are reported on
# stderr and the others still run.
import atexit

def bye(name, punct="!"):
    print("bye", name + punct)

def boom():
    raise ValueError("boom")

atexit.register(bye, "first")
atexit.register(boom)
print(atexit.register(bye, "second", punct="?") is bye)
atexit.register(print, "never printed")
atexit.unregister(print)

@atexit.register
def decorated():
    print("decorated runs first")

print(decorated.__name__, atexit._ncallbacks() >= 4)
try:
    atexit.register(42)
except TypeError as e:
    print("TypeError:", e)
print("main done")
