from ..helper import double
from . import __name__ as pkgname


def describe():
    return f"leaf in {__name__} (parent {pkgname}) -> {double(4)}"
