"""Config validator: a case-insensitive MutableMapping config, numbers/keyword checks,
deprecation warnings captured with catch_warnings, errors summarized with traceback."""
import keyword
import numbers
import pprint
import traceback
import types
import warnings
from collections.abc import MutableMapping, Mapping

DEPRECATED = {"timeout_ms": "timeout", "max-conn": "max_connections"}


class Config(MutableMapping):
    def __init__(self, data=(), **kw):
        self._data = {}
        self.update(data, **kw)

    def __getitem__(self, key):
        return self._data[key.lower()]

    def __setitem__(self, key, value):
        key = key.lower()
        if key in DEPRECATED:
            warnings.warn("option %r is deprecated; use %r" % (key, DEPRECATED[key]),
                          DeprecationWarning, stacklevel=2)
            if key == "timeout_ms" and isinstance(value, numbers.Real):
                key, value = "timeout", value / 1000
            else:
                key = DEPRECATED[key]
        self._data[key] = value

    def __delitem__(self, key):
        del self._data[key.lower()]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __repr__(self):
        return "Config(%r)" % self._data


class ValidationError(Exception):
    pass


SCHEMA = {
    "name": str,
    "timeout": numbers.Real,
    "retries": numbers.Integral,
    "max_connections": numbers.Integral,
    "ratio": numbers.Real,
    "tags": list,
}


def validate(cfg):
    problems = []
    for key, expected in SCHEMA.items():
        if key not in cfg:
            problems.append(ValidationError("missing option %r" % key))
            continue
        value = cfg[key]
        if isinstance(value, bool) or not isinstance(value, expected):
            problems.append(TypeError("%s must be %s, got %s" % (
                key, expected.__name__, type(value).__name__)))
    for key in cfg:
        if key not in SCHEMA:
            warnings.warn("unknown option %r ignored" % key, UserWarning)
        if not key.isidentifier() or keyword.iskeyword(key):
            problems.append(ValueError("option name %r is not a valid identifier" % key))
    if isinstance(cfg.get("ratio"), numbers.Real) and not 0 <= cfg["ratio"] <= 1:
        try:
            raise ValueError("ratio %r out of range" % cfg["ratio"])
        except ValueError as exc:
            problems.append(exc)
    return problems


def load(name, raw):
    print("==", name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cfg = Config(raw)
        problems = validate(cfg)
    for w in caught:
        print("  warning: %s: %s" % (w.category.__name__, w.message))
    for p in problems:
        print("  error:", "".join(traceback.format_exception_only(p)).strip())
    ns = types.SimpleNamespace(**{k: v for k, v in cfg.items() if k.isidentifier()})
    print("  ok" if not problems else "  %d problem(s)" % len(problems))
    return cfg, ns


cfg1, ns1 = load("good", {"Name": "svc", "TIMEOUT": 2.5, "retries": 3, "max_connections": 10,
                          "ratio": 0.5, "tags": ["a", "b"]})
print(" ", ns1)
cfg2, ns2 = load("legacy", {"name": "old", "timeout_ms": 1500, "max-conn": 4, "retries": 1,
                            "ratio": 1, "tags": []})
print(" ", cfg2, isinstance(cfg2, Mapping), len(cfg2))
cfg3, _ = load("broken", {"name": 7, "retries": 2.0, "ratio": 3, "class": "x", "tags": "a,b",
                          "max_connections": True})
cfg4, _ = load("empty", {})

merged = Config(cfg1)
merged.update(cfg2)
merged.setdefault("debug", False)
print("merged:")
pprint.pprint(dict(merged), width=50)
print(merged.pop("debug"), merged.get("missing", "-"), "NAME" in merged)


def risky_reload(cfg):
    return cfg["does_not_exist"]


try:
    risky_reload(merged)
except KeyError:
    lines = traceback.format_exc().splitlines()
    print(lines[0])
    print(lines[-1])
    print([fs.name for fs in traceback.extract_tb(__import__("sys").exc_info()[2])])
