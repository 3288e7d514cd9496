"""Platform facts (`platform`) for pyguest: `uname()`, `system()`, `node()`, `release()`,
`version()`, `machine()`, `processor()`, `architecture()`, `platform()`,
`python_implementation()`, `python_version()`, `python_version_tuple()`, `python_build()`,
`python_compiler()`, `libc_ver()`, `freedesktop_os_release()`.

The system facts come from `os.uname()` (uname(2) through the native `_pgprocess`). The
Python facts name pyguest: `python_implementation()` is "pyguest" (CPython says "CPython",
PyPy "PyPy") and the version is the language version pyguest implements
(`sys.version_info`). Not provided: `libc_ver()` reads no executable and answers
('', ''), so `platform()` has no "-with-glibcX" suffix; `processor()` is '' (as CPython's
is on most Linux systems); the Windows/macOS/Java helpers (`win32_ver`, `mac_ver`,
`java_ver`) answer with empty values.
"""

import os
import sys

__all__ = ["uname", "system", "node", "release", "version", "machine", "processor",
           "architecture", "platform", "python_implementation", "python_version",
           "python_version_tuple", "python_build", "python_compiler", "libc_ver"]


class uname_result(tuple):
    """(system, node, release, version, machine, processor) with those names as
    attributes: six items, of which the repr shows the first five, as in CPython 3.9+."""

    _fields = ("system", "node", "release", "version", "machine", "processor")

    def __new__(cls, system, node, release, version, machine):
        return tuple.__new__(cls, (system, node, release, version, machine, processor()))

    system = property(lambda self: self[0])
    node = property(lambda self: self[1])
    release = property(lambda self: self[2])
    version = property(lambda self: self[3])
    machine = property(lambda self: self[4])

    processor = property(lambda self: self[5])

    def _asdict(self):
        return dict(zip(self._fields, self))

    def __repr__(self):
        return "uname_result(" + ", ".join(
            "%s=%r" % (n, v) for n, v in zip(self._fields[:5], self)) + ")"


_uname_cache = None


def uname():
    global _uname_cache
    if _uname_cache is None:
        u = os.uname()
        _uname_cache = uname_result(u.sysname, u.nodename, u.release, u.version, u.machine)
    return _uname_cache


def system():
    return uname().system


def node():
    return uname().node


def release():
    return uname().release


def version():
    return uname().version


def machine():
    return uname().machine


def processor():
    return ""


def architecture(executable=sys.executable, bits="", linkage=""):
    size = 64 if sys.maxsize > 2 ** 32 else 32
    return (bits or "%dbit" % size, linkage or ("ELF" if system() == "Linux" else ""))


def platform(aliased=False, terse=False):
    u = uname()
    parts = [u.system, u.release] if terse else [u.system, u.release, u.machine]
    out = "-".join(p for p in parts if p)
    return out.replace(" ", "_").replace("/", "-")


def python_implementation():
    return "pyguest"


def python_version_tuple():
    v = sys.version_info
    return (str(v[0]), str(v[1]), str(v[2]))


def python_version():
    return ".".join(python_version_tuple())


def python_build():
    return ("pyguest", "")


def python_compiler():
    return "rustc"


def python_branch():
    return ""


def python_revision():
    return ""


def libc_ver(executable=None, lib="", version="", chunksize=16384):
    return (lib, version)


def win32_ver(release="", version="", csd="", ptype=""):
    return (release, version, csd, ptype)


def win32_edition():
    return None


def win32_is_iot():
    return False


def mac_ver(release="", versioninfo=("", "", ""), machine=""):
    return (release, versioninfo, machine)


def java_ver(release="", vendor="", vminfo=("", "", ""), osinfo=("", "", "")):
    return (release, vendor, vminfo, osinfo)


def freedesktop_os_release():
    """The fields of /etc/os-release (or /usr/lib/os-release) as a dict."""
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError:
            continue
        info = {"NAME": "Linux", "ID": "linux", "PRETTY_NAME": "Linux"}
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
                v = v[1:-1]
            info[k] = v
        return info
    raise OSError(2, "Unable to read files /etc/os-release, /usr/lib/os-release")
