"""Text editor with undo/redo: copy.deepcopy snapshots + contextlib + dataclasses + enum."""
import copy
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import List


class Op(Enum):
    INSERT = auto()
    DELETE = auto()
    REPLACE = auto()
    BATCH = auto()


@dataclass
class Doc:
    lines: List[str] = field(default_factory=list)
    cursor: List[int] = field(default_factory=lambda: [0, 0])
    meta: dict = field(default_factory=lambda: {"title": "untitled", "tags": []})


class Editor:
    def __init__(self):
        self.doc = Doc()
        self.undo_stack: List[tuple] = []
        self.redo_stack: List[tuple] = []
        self._batch_depth = 0

    def _record(self, op: Op):
        if self._batch_depth == 0:
            self.undo_stack.append((op, copy.deepcopy(self.doc)))
            self.redo_stack.clear()

    @contextmanager
    def batch(self):
        self._record(Op.BATCH)
        self._batch_depth += 1
        try:
            yield self
        finally:
            self._batch_depth -= 1

    def insert(self, row: int, text: str):
        self._record(Op.INSERT)
        self.doc.lines.insert(row, text)
        self.doc.cursor = [row, len(text)]

    def delete(self, row: int):
        self._record(Op.DELETE)
        del self.doc.lines[row]
        self.doc.cursor = [max(0, row - 1), 0]

    def replace(self, old: str, new: str) -> int:
        self._record(Op.REPLACE)
        count = 0
        for i, line in enumerate(self.doc.lines):
            if old in line:
                count += line.count(old)
                self.doc.lines[i] = line.replace(old, new)
        return count

    def undo(self):
        if not self.undo_stack:
            return None
        op, state = self.undo_stack.pop()
        self.redo_stack.append((op, copy.deepcopy(self.doc)))
        self.doc = state
        return op

    def redo(self):
        if not self.redo_stack:
            return None
        op, state = self.redo_stack.pop()
        self.undo_stack.append((op, copy.deepcopy(self.doc)))
        self.doc = state
        return op

    def show(self, label):
        print("%-10s %s cursor=%s undo=%d redo=%d" % (label, self.doc.lines, self.doc.cursor,
                                                      len(self.undo_stack), len(self.redo_stack)))


ed = Editor()
ed.insert(0, "hello world")
ed.insert(1, "second line")
ed.insert(1, "middle")
ed.show("typed")
print("replaced", ed.replace("l", "L"))
ed.show("replace")
with ed.batch():
    ed.delete(0)
    ed.insert(0, "HEADER")
    ed.doc.meta["tags"].append("edited")
ed.show("batch")
print(ed.undo(), ed.doc.meta)
ed.show("undo")
print(ed.undo(), ed.undo())
ed.show("undo x2")
print(ed.redo(), ed.redo(), ed.redo())
ed.show("redo x3")
print(ed.doc.meta, ed.undo_stack[-1][1].meta)
ed.insert(0, "new")
ed.show("new edit")
print(ed.redo())
while ed.undo():
    pass
ed.show("all undone")
snap = copy.copy(ed.doc)
snap.lines.append("shared!")
print(ed.doc.lines, snap.lines is ed.doc.lines)
