"""Layered configuration: json + copy.deepcopy + typing + dataclasses, with a diff report."""
import copy
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

DEFAULTS = json.loads("""
{
  "server": {"host": "127.0.0.1", "port": 8080, "tls": {"enabled": false, "ciphers": ["AES128"]}},
  "logging": {"level": "info", "handlers": ["console"]},
  "features": {"beta": false, "limits": {"rps": 100, "burst": 20}},
  "name": "demo"
}
""")
PROD = {"server": {"host": "0.0.0.0", "tls": {"enabled": True, "ciphers": ["AES256", "CHACHA20"]}},
        "logging": {"level": "warning", "handlers": ["file", "syslog"]},
        "features": {"limits": {"rps": 2000}}}
OVERRIDES = {"features": {"beta": True, "limits": {"burst": 50.5}}, "name": None}


def merge(base: Dict[str, Any], layer: Dict[str, Any]) -> Dict[str, Any]:
    result = copy.deepcopy(base)
    for key, value in layer.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any

    def __str__(self):
        return "%-28s %s -> %s" % (self.path, json.dumps(self.old), json.dumps(self.new))


def diff(a: Dict[str, Any], b: Dict[str, Any], prefix: str = "") -> List[Change]:
    changes = []
    for key in sorted(set(a) | set(b)):
        path = prefix + "." + key if prefix else key
        if key not in b:
            changes.append(Change(path, a[key], None))
        elif key not in a:
            changes.append(Change(path, None, b[key]))
        elif isinstance(a[key], dict) and isinstance(b[key], dict):
            changes.extend(diff(a[key], b[key], path))
        elif a[key] != b[key]:
            changes.append(Change(path, a[key], b[key]))
    return changes


def flatten(d: Dict[str, Any], prefix="") -> List[Tuple[str, Any]]:
    out = []
    for k, v in d.items():
        p = prefix + "." + k if prefix else k
        if isinstance(v, dict):
            out.extend(flatten(v, p))
        else:
            out.append((p, v))
    return out


final = merge(merge(DEFAULTS, PROD), OVERRIDES)
print(json.dumps(final, indent=2, sort_keys=True))
for change in diff(DEFAULTS, final):
    print(change)
print(DEFAULTS["server"]["tls"]["ciphers"], final["server"]["tls"]["ciphers"])
flat = dict(flatten(final))
print(json.dumps(flat, separators=(",", ":")))
snapshot = copy.deepcopy(final)
final["logging"]["handlers"].append("mail")
print(snapshot["logging"]["handlers"], final["logging"]["handlers"], len(diff(snapshot, final)))
print(json.loads(json.dumps(final)) == final, Change("a", 1, 2) == Change("a", 1, 2), len({Change("a", 1, 2), Change("a", 1, 2)}))
