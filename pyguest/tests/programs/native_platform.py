# platform and os.uname: values compared with os.uname() so the output is machine-independent;
# os.pipe/read/write/getppid.
import os, sys, platform
u = os.uname()
print(type(u).__name__, len(u), u.sysname == u[0], repr(u).startswith("posix.uname_result(sysname="))
print(platform.system(), platform.machine() == u.machine, platform.node() == u.nodename)
print(platform.release() == u.release, platform.version() == u.version)
print(platform.python_implementation().lower() == sys.implementation.name)
print(platform.python_version_tuple()[:2], platform.architecture()[0])
pu = platform.uname()
print(pu.system, tuple(pu)[:5] == (u.sysname, u.nodename, u.release, u.version, u.machine), len(pu), pu.processor == pu[5])
print(repr(pu).startswith("uname_result(system=") and repr(pu).endswith("machine=%r)" % u.machine))
print(platform.platform().startswith(u.sysname + "-" + u.release))
print(isinstance(platform.processor(), str))
r, w = os.pipe()
print(os.write(w, b"abc"), os.read(r, 10))
os.close(r); os.close(w)
print(os.getppid() > 0)
