# sys.stdout and sys.stderr are file objects (issue 15): TextIOWrapper with write returning
# the character count, buffer (bytes), writelines, fileno, close and closed, and print
# failing after close. Expected output from CPython 3.11 (stdout only).
import sys
print(type(sys.stdout).__name__, type(sys.stderr).__name__, sys.stdout is sys.__stdout__)
print(sys.stdout.name, sys.stdout.mode, sys.stdout.encoding, sys.stderr.name, sys.stdout.closed)
n = sys.stdout.write("héllo\n")
print(n, sys.stdout.buffer.write("wörld\n".encode()), sys.stdout.fileno(), sys.stderr.fileno())
sys.stdout.flush()
sys.stdout.writelines(["a\n", "b\n"])
print(sys.stdout.writable(), sys.stdout.readable())  # (seekable depends on the redirection)
for bad in [lambda: sys.stdout.write(1), lambda: sys.stdout.buffer.write("x")]:
    try:
        bad()
    except TypeError as e:
        print("TypeError", e)
print(repr(sys.stdout))
sys.stderr.write("to stderr\n")
sys.stdout.close()
sys.stderr.write(f"closed {sys.stdout.closed}\n")
try:
    print("x")
except ValueError as e:
    sys.stderr.write(f"ValueError {e}\n")
try:
    sys.stdout.write("x")
except ValueError as e:
    sys.stderr.write(f"ValueError {e}\n")
