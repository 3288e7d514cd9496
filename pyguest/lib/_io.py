"""`_io`: the names of CPython's native `_io` module, taken from pyguest's own `io`
(pyguest/lib/io.py, where the classes are written; their `__module__` is already `_io`).

CPython's pure-Python modules that import `_io` directly (`_pyio` takes `FileIO` from it,
`zipimport` uses `_io.open_code`) find the same classes as `io` users do.
"""

from io import (DEFAULT_BUFFER_SIZE, BlockingIOError, UnsupportedOperation, open, open_code,
                FileIO, BytesIO, StringIO, BufferedReader, BufferedWriter, BufferedRWPair,
                BufferedRandom, IncrementalNewlineDecoder, text_encoding, TextIOWrapper)
from io import (IOBase as _IOBase, RawIOBase as _RawIOBase,
                BufferedIOBase as _BufferedIOBase, TextIOBase as _TextIOBase)
