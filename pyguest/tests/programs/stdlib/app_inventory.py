"""Inventory manager: dataclasses + enum + json round trip + typing + fractions."""
import json
from dataclasses import dataclass, field, asdict
from enum import Enum
from fractions import Fraction
from typing import Dict, List, Optional


class Category(Enum):
    TOOL = "tool"
    FOOD = "food"
    TOY = "toy"


@dataclass(order=True)
class Item:
    sku: str
    name: str = field(compare=False)
    category: Category = field(compare=False)
    price_cents: int = field(compare=False)
    qty: int = field(default=0, compare=False)
    tags: List[str] = field(default_factory=list, compare=False)

    @property
    def value_cents(self) -> int:
        return self.price_cents * self.qty


@dataclass
class Inventory:
    items: Dict[str, Item] = field(default_factory=dict)

    def add(self, item: Item) -> None:
        if item.sku in self.items:
            self.items[item.sku].qty += item.qty
        else:
            self.items[item.sku] = item

    def remove(self, sku: str, qty: int) -> Optional[str]:
        item = self.items.get(sku)
        if item is None:
            return "unknown sku %s" % sku
        if item.qty < qty:
            return "only %d of %s left" % (item.qty, item.name)
        item.qty -= qty
        return None

    def by_category(self) -> Dict[str, int]:
        totals: Dict[str, int] = {}
        for item in sorted(self.items.values()):
            totals[item.category.value] = totals.get(item.category.value, 0) + item.value_cents
        return totals

    def to_json(self) -> str:
        def encode(o):
            if isinstance(o, Category):
                return o.value
            raise TypeError(type(o).__name__)
        return json.dumps([asdict(i) for i in sorted(self.items.values())], default=encode,
                          indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Inventory":
        inv = cls()
        for raw in json.loads(text):
            raw["category"] = Category(raw["category"])
            inv.add(Item(**raw))
        return inv


inv = Inventory()
inv.add(Item("T-100", "Hammer", Category.TOOL, 1299, 4, ["steel"]))
inv.add(Item("F-200", "Apple", Category.FOOD, 45, 120))
inv.add(Item("Y-300", "Yo-yo", Category.TOY, 350, 10, ["wood", "red"]))
inv.add(Item("T-101", "Wrench", Category.TOOL, 899, 2))
inv.add(Item("F-200", "Apple", Category.FOOD, 45, 30))
print(inv.remove("F-200", 100), inv.remove("T-101", 5), inv.remove("Z-1", 1))
text = inv.to_json()
print(text)
back = Inventory.from_json(text)
print(back == inv, sorted(back.items) == sorted(inv.items))
print(back.by_category())
total = sum(i.value_cents for i in back.items.values())
print("total $%d.%02d" % divmod(total, 100))
share = {c: Fraction(v, total) for c, v in back.by_category().items()}
for cat, frac in sorted(share.items()):
    print("%-5s %-12s %5.1f%%" % (cat, frac, float(frac) * 100))
print(max(back.items.values(), key=lambda i: i.value_cents))
