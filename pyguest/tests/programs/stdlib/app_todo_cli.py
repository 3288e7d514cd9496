"""A to-do list CLI: argparse subcommands + dataclasses + json file storage in a temp dir."""
import argparse
import json
import os
import tempfile
from dataclasses import dataclass, asdict, field
from enum import IntEnum
from typing import List


class Priority(IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3


@dataclass
class Task:
    id: int
    title: str
    priority: Priority = Priority.NORMAL
    done: bool = False
    tags: List[str] = field(default_factory=list)


class Store:
    def __init__(self, path):
        self.path = path

    def load(self) -> List[Task]:
        if not os.path.exists(self.path):
            return []
        with open(self.path) as f:
            raw = json.load(f)
        return [Task(t["id"], t["title"], Priority(t["priority"]), t["done"], t["tags"]) for t in raw]

    def save(self, tasks: List[Task]) -> None:
        with open(self.path, "w") as f:
            json.dump([asdict(t) for t in tasks], f, indent=1)


def build_parser():
    p = argparse.ArgumentParser(prog="todo", description="Keep track of things to do.")
    sub = p.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add a task")
    add.add_argument("title")
    add.add_argument("-p", "--priority", choices=[p.name.lower() for p in Priority], default="normal")
    add.add_argument("-t", "--tag", action="append", default=[])
    done = sub.add_parser("done", help="mark a task done")
    done.add_argument("ids", type=int, nargs="+")
    ls = sub.add_parser("list", help="show tasks")
    ls.add_argument("--all", action="store_true")
    ls.add_argument("--sort", choices=["id", "priority"], default="id")
    return p


def main(argv, store):
    args = build_parser().parse_args(argv)
    tasks = store.load()
    if args.command == "add":
        new_id = max((t.id for t in tasks), default=0) + 1
        tasks.append(Task(new_id, args.title, Priority[args.priority.upper()], tags=args.tag))
        print("added #%d" % new_id)
    elif args.command == "done":
        for task in tasks:
            if task.id in args.ids:
                task.done = True
                print("done #%d %s" % (task.id, task.title))
    elif args.command == "list":
        shown = [t for t in tasks if args.all or not t.done]
        key = (lambda t: t.id) if args.sort == "id" else (lambda t: (-t.priority, t.id))
        for t in sorted(shown, key=key):
            mark = "x" if t.done else " "
            tags = (" [" + ", ".join(t.tags) + "]") if t.tags else ""
            print("[%s] #%d %-6s %s%s" % (mark, t.id, t.priority.name, t.title, tags))
    store.save(tasks)


with tempfile.TemporaryDirectory() as tmp:
    store = Store(os.path.join(tmp, "todo.json"))
    main(["add", "Write report", "-p", "high", "-t", "work"], store)
    main(["add", "Buy milk", "--tag", "home", "--tag", "shop"], store)
    main(["add", "Call Bob", "-p", "low"], store)
    main(["add", "Fix bike"], store)
    main(["list"], store)
    main(["done", "2", "4"], store)
    main(["list", "--sort", "priority"], store)
    main(["list", "--all"], store)
    with open(store.path) as f:
        data = json.load(f)
    print(len(data), sum(t["done"] for t in data), os.path.basename(store.path))
    try:
        main(["add"], store)
    except SystemExit as e:
        print("exit status", e.code)
