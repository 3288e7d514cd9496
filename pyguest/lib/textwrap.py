"""Text wrapping and filling: wrap, fill, shorten, dedent, indent and TextWrapper.

pyguest's own implementation in plain Python, without the `re` module: words are split by a
small hand-written scanner that makes the same chunks CPython 3.11's textwrap does
(whitespace runs; words, split after a hyphen between letters when break_on_hyphens is set;
em-dashes `--` between words), then lines are filled greedily with CPython's rules for long
words, dropped whitespace, max_lines and the placeholder.
"""

__all__ = ["TextWrapper", "wrap", "fill", "dedent", "indent", "shorten"]

_whitespace = "\t\n\x0b\x0c\r "


def _is_word_char(c):
    return c.isalnum() or c == "_"


def _is_letter(c):
    return (c.isalnum() or c == "_") and not c.isdecimal()


def _is_word_punct(c):
    return _is_word_char(c) or c in "!\"'&.,?"


def _split_words(text):
    """Chunks for break_on_hyphens=True (the default)."""
    chunks = []
    n = len(text)

    def at(k):
        return text[k] if 0 <= k < n else ""

    def letter(k):
        c = at(k)
        return c != "" and _is_letter(c)

    def dash_run_then_word(k):
        # text[k:] is '--' (or more dashes) followed by a word character
        j = k
        while j < n and text[j] == "-":
            j += 1
        return j - k >= 2 and j < n and _is_word_char(text[j]), j

    i = 0
    while i < n:
        c = text[i]
        if c in _whitespace:
            j = i
            while j < n and text[j] in _whitespace:
                j += 1
            chunks.append(text[i:j])
            i = j
            continue
        if c == "-" and i > 0 and _is_word_punct(text[i - 1]):
            ok, j = dash_run_then_word(i)
            if ok:
                chunks.append(text[i:j])
                i = j
                continue
        j = i + 1
        while True:
            if j >= n or text[j] in _whitespace:
                end = j
                break
            if text[j] == "-":
                # A hyphen inside a word: break after it when it sits between letters.
                before = (letter(j - 2) and letter(j - 1)) or \
                    (letter(j - 3) and at(j - 2) == "-" and letter(j - 1))
                after = letter(j + 1) and (letter(j + 2) or (at(j + 2) == "-" and letter(j + 3)))
                if before and after:
                    end = j + 1
                    break
                if _is_word_punct(text[j - 1]) and dash_run_then_word(j)[0]:
                    end = j
                    break
            j += 1
        chunks.append(text[i:end])
        i = end
    return chunks


def _split_simple(text):
    """Chunks for break_on_hyphens=False: whitespace runs and everything between."""
    chunks = []
    n = len(text)
    i = 0
    while i < n:
        ws = text[i] in _whitespace
        j = i
        while j < n and (text[j] in _whitespace) == ws:
            j += 1
        chunks.append(text[i:j])
        i = j
    return chunks


def _ends_sentence(chunk):
    """chunk ends like `[a-z][.!?]["']?`."""
    k = len(chunk)
    if k and chunk[-1] in "\"'":
        k -= 1
    if k < 2 or chunk[k - 1] not in ".!?":
        return False
    return "a" <= chunk[k - 2] <= "z"


class TextWrapper:
    """Wraps paragraphs to a width; see the module functions for the common uses."""

    def __init__(self, width=70, initial_indent="", subsequent_indent="", expand_tabs=True,
                 replace_whitespace=True, fix_sentence_endings=False, break_long_words=True,
                 drop_whitespace=True, break_on_hyphens=True, tabsize=8, *, max_lines=None,
                 placeholder=" [...]"):
        self.width = width
        self.initial_indent = initial_indent
        self.subsequent_indent = subsequent_indent
        self.expand_tabs = expand_tabs
        self.replace_whitespace = replace_whitespace
        self.fix_sentence_endings = fix_sentence_endings
        self.break_long_words = break_long_words
        self.drop_whitespace = drop_whitespace
        self.break_on_hyphens = break_on_hyphens
        self.tabsize = tabsize
        self.max_lines = max_lines
        self.placeholder = placeholder

    def _munge_whitespace(self, text):
        if self.expand_tabs:
            text = text.expandtabs(self.tabsize)
        if self.replace_whitespace:
            text = "".join(" " if c in _whitespace else c for c in text)
        return text

    def _split(self, text):
        if self.break_on_hyphens:
            return [c for c in _split_words(text) if c]
        return [c for c in _split_simple(text) if c]

    def _fix_sentence_endings(self, chunks):
        i = 0
        while i < len(chunks) - 1:
            if chunks[i + 1] == " " and _ends_sentence(chunks[i]):
                chunks[i + 1] = "  "
                i += 2
            else:
                i += 1

    def _handle_long_word(self, reversed_chunks, cur_line, cur_len, width):
        space_left = 1 if width < 1 else width - cur_len
        if self.break_long_words:
            chunk = reversed_chunks[-1]
            end = space_left
            if self.break_on_hyphens and len(chunk) > space_left:
                hyphen = chunk.rfind("-", 0, space_left)
                if hyphen > 0 and any(c != "-" for c in chunk[:hyphen]):
                    end = hyphen + 1
            cur_line.append(chunk[:end])
            reversed_chunks[-1] = chunk[end:]
        elif not cur_line:
            cur_line.append(reversed_chunks.pop())

    def _wrap_chunks(self, chunks):
        lines = []
        if self.width <= 0:
            raise ValueError("invalid width %r (must be > 0)" % self.width)
        if self.max_lines is not None:
            indent = self.subsequent_indent if self.max_lines > 1 else self.initial_indent
            if len(indent) + len(self.placeholder.lstrip()) > self.width:
                raise ValueError("placeholder too large for max width")
        chunks = list(reversed(chunks))
        while chunks:
            cur_line = []
            cur_len = 0
            indent = self.subsequent_indent if lines else self.initial_indent
            width = self.width - len(indent)
            if self.drop_whitespace and lines and chunks[-1].strip() == "":
                chunks.pop()
            while chunks:
                size = len(chunks[-1])
                if cur_len + size > width:
                    break
                cur_line.append(chunks.pop())
                cur_len += size
            if chunks and len(chunks[-1]) > width:
                self._handle_long_word(chunks, cur_line, cur_len, width)
                cur_len = sum(len(c) for c in cur_line)
            if self.drop_whitespace and cur_line and cur_line[-1].strip() == "":
                cur_len -= len(cur_line[-1])
                cur_line.pop()
            if not cur_line:
                continue
            rest_is_blank = not chunks or (self.drop_whitespace and len(chunks) == 1
                                           and not chunks[0].strip())
            if (self.max_lines is None or len(lines) + 1 < self.max_lines
                    or (rest_is_blank and cur_len <= width)):
                lines.append(indent + "".join(cur_line))
                continue
            # Out of lines: end this one with the placeholder.
            while cur_line:
                if cur_line[-1].strip() and cur_len + len(self.placeholder) <= width:
                    cur_line.append(self.placeholder)
                    lines.append(indent + "".join(cur_line))
                    return lines
                cur_len -= len(cur_line[-1])
                cur_line.pop()
            if lines:
                prev = lines[-1].rstrip()
                if len(prev) + len(self.placeholder) <= self.width:
                    lines[-1] = prev + self.placeholder
                    return lines
            lines.append(indent + self.placeholder.lstrip())
            return lines
        return lines

    def _split_chunks(self, text):
        return self._split(self._munge_whitespace(text))

    def wrap(self, text):
        """A list of lines, each at most width long, without final newlines."""
        chunks = self._split_chunks(text)
        if self.fix_sentence_endings:
            self._fix_sentence_endings(chunks)
        return self._wrap_chunks(chunks)

    def fill(self, text):
        """The wrapped lines joined with newlines."""
        return "\n".join(self.wrap(text))


def wrap(text, width=70, **kwargs):
    """Wrap a paragraph into lines of at most width characters."""
    return TextWrapper(width=width, **kwargs).wrap(text)


def fill(text, width=70, **kwargs):
    """Wrap a paragraph and join the lines with newlines."""
    return TextWrapper(width=width, **kwargs).fill(text)


def shorten(text, width, **kwargs):
    """Collapse whitespace and truncate to width, ending with the placeholder if cut."""
    w = TextWrapper(width=width, max_lines=1, **kwargs)
    return w.fill(" ".join(text.strip().split()))


def _leading_blank(line):
    """The leading run of spaces and tabs of line."""
    k = 0
    while k < len(line) and line[k] in " \t":
        k += 1
    return line[:k]


def dedent(text):
    """Remove the whitespace prefix common to every non-blank line."""
    lines = text.split("\n")
    margin = None
    for idx, line in enumerate(lines):
        lead = _leading_blank(line)
        if len(lead) == len(line):
            # Blank (only spaces/tabs) lines are emptied and ignored for the margin.
            lines[idx] = ""
            continue
        if margin is None:
            margin = lead
        elif lead.startswith(margin):
            pass
        elif margin.startswith(lead):
            margin = lead
        else:
            k = 0
            while k < len(margin) and k < len(lead) and margin[k] == lead[k]:
                k += 1
            margin = margin[:k]
    if margin:
        cut = len(margin)
        lines = [line[cut:] if line else line for line in lines]
    return "\n".join(lines)


def indent(text, prefix, predicate=None):
    """Add prefix to the lines of text selected by predicate (default: non-blank lines)."""
    out = []
    for line in text.splitlines(True):
        if (predicate(line) if predicate is not None else line.strip()):
            out.append(prefix + line)
        else:
            out.append(line)
    return "".join(out)
