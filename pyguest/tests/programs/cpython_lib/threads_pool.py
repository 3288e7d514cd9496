# concurrent.futures.ThreadPoolExecutor: map, submit/result, as_completed, exceptions,
# shutdown through `with`.
import time
from concurrent.futures import ThreadPoolExecutor, as_completed, wait, FIRST_COMPLETED

def slow_square(x):
    time.sleep(0.001 * (x % 4))
    return x * x

with ThreadPoolExecutor(max_workers=4) as ex:
    print(list(ex.map(slow_square, range(12))))
    futs = {ex.submit(slow_square, i): i for i in range(8)}
    done = sorted((futs[f], f.result()) for f in as_completed(futs))
    print(done)
    f = ex.submit(lambda: 1 / 0)
    try:
        f.result()
    except ZeroDivisionError as e:
        print("error:", e, f.exception().__class__.__name__)
    first = ex.submit(time.sleep, 0.05)
    quick = ex.submit(slow_square, 3)
    d, nd = wait([first, quick], return_when=FIRST_COMPLETED)
    print(quick in d, first.done() is False or first in d)

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
with ThreadPoolExecutor(max_workers=3) as ex:
    print(list(ex.map(fib, [15, 16, 17, 18])))
print("shut down")
