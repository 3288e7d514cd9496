# raise from, __context__, finally ordering, with statements, custom exceptions.
class AppError(Exception):
    def __init__(self, code, msg="bad"):
        super().__init__(code, msg)
        self.code = code


def parse(s):
    try:
        return int(s)
    except ValueError as e:
        raise AppError(2) from e


try:
    parse("x")
except AppError as e:
    print(type(e).__name__, e.args, type(e.__cause__).__name__, e.code)

try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise KeyError("k")
except KeyError as e:
    print(repr(e), type(e.__context__).__name__)


def order():
    log = []
    for i in range(3):
        try:
            if i == 1:
                continue
            log.append(f"body{i}")
        finally:
            log.append(f"fin{i}")
    return log


print(order())


class Ctx:
    def __init__(self, name, swallow=False):
        self.name, self.swallow = name, swallow

    def __enter__(self):
        print("enter", self.name)
        return self

    def __exit__(self, et, ev, tb):
        print("exit", self.name, et.__name__ if et else None)
        return self.swallow


with Ctx("a"), Ctx("b", swallow=True):
    raise RuntimeError("x")
print("after with")


def f():
    try:
        return "try"
    finally:
        print("finally runs")


print(f())
