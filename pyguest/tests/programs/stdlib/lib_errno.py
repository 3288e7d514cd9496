import errno
import os

print(errno.ENOENT, errno.EEXIST, errno.EACCES, errno.EPERM, errno.EINVAL, errno.EISDIR,
      errno.ENOTDIR, errno.ENOTEMPTY, errno.EAGAIN, errno.EWOULDBLOCK, errno.EPIPE,
      errno.ECONNREFUSED, errno.ETIMEDOUT, errno.EINTR)
print(errno.errorcode[2], errno.errorcode[17], errno.errorcode[11], errno.errorcode[35],
      errno.errorcode[95])
print(errno.EDEADLK == errno.EDEADLOCK, errno.EOPNOTSUPP == errno.ENOTSUP)
print(len(errno.errorcode), min(errno.errorcode), max(errno.errorcode))
print(all(getattr(errno, name) == code for code, name in errno.errorcode.items()))
# the usual pattern: inspect OSError.errno
try:
    open("/nonexistent/dir/file.txt")
except OSError as e:
    print(type(e).__name__, e.errno == errno.ENOENT, errno.errorcode[e.errno])
try:
    os.mkdir(".")
except OSError as e:
    print(e.errno == errno.EEXIST, errno.errorcode[e.errno], e.strerror)
print(sorted(n for n in dir(errno) if n.startswith("ECONN")))
