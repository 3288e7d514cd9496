"""Bank ledger: abc + enum + dataclasses + contextlib transactions + copy snapshots + fractions."""
import copy
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum, auto
from fractions import Fraction
from typing import Dict, List


class Kind(Enum):
    DEPOSIT = auto()
    WITHDRAW = auto()
    TRANSFER = auto()
    INTEREST = auto()


class InsufficientFunds(Exception):
    pass


@dataclass
class Entry:
    kind: Kind
    amount: Fraction
    note: str = ""


class Account(ABC):
    def __init__(self, owner: str, balance=0):
        self.owner = owner
        self.balance = Fraction(balance)
        self.history: List[Entry] = []

    @abstractmethod
    def rate(self) -> Fraction:
        ...

    def can_withdraw(self, amount) -> bool:
        return self.balance >= amount

    def post(self, kind: Kind, amount, note=""):
        amount = Fraction(amount)
        if kind in (Kind.WITHDRAW,) and not self.can_withdraw(amount):
            raise InsufficientFunds("%s cannot withdraw %s" % (self.owner, amount))
        self.balance += amount if kind != Kind.WITHDRAW else -amount
        self.history.append(Entry(kind, amount, note))

    def __repr__(self):
        return "%s(%s, %s)" % (type(self).__name__, self.owner, money(self.balance))


class Checking(Account):
    def rate(self):
        return Fraction(0)

    def can_withdraw(self, amount):
        return self.balance + 100 >= amount  # overdraft of 100


class Savings(Account):
    def rate(self):
        return Fraction(3, 100)


def money(x: Fraction) -> str:
    cents = round(x * 100)
    sign = "-" if cents < 0 else ""
    return "%s$%d.%02d" % (sign, abs(cents) // 100, abs(cents) % 100)


class Bank:
    def __init__(self):
        self.accounts: Dict[str, Account] = {}

    @contextmanager
    def transaction(self, label):
        snapshot = copy.deepcopy(self.accounts)
        try:
            yield self
        except InsufficientFunds as e:
            self.accounts = snapshot
            print("rolled back %s: %s" % (label, e))
        else:
            print("committed", label)

    def transfer(self, src, dst, amount):
        self.accounts[src].post(Kind.WITHDRAW, amount, "to " + dst)
        self.accounts[dst].post(Kind.DEPOSIT, amount, "from " + src)


bank = Bank()
bank.accounts["ann"] = Checking("ann", 50)
bank.accounts["bob"] = Savings("bob", "1000.10")
with bank.transaction("payday"):
    bank.accounts["ann"].post(Kind.DEPOSIT, 2500, "salary")
    bank.transfer("ann", "bob", Fraction(1001, 2))
with bank.transaction("big spend"):
    bank.transfer("ann", "bob", 1000)
    bank.transfer("ann", "bob", 2000)
with bank.transaction("overdraft"):
    bank.transfer("bob", "ann", 1500)
    bank.transfer("ann", "bob", 2600)
for acct in bank.accounts.values():
    interest = acct.balance * acct.rate() / 12
    if interest:
        acct.post(Kind.INTEREST, interest)
print(sorted(bank.accounts.values(), key=lambda a: a.balance))
for name, acct in sorted(bank.accounts.items()):
    print(name, [(e.kind.name, money(e.amount)) for e in acct.history])
try:
    Account("x")
except TypeError as e:
    print("TypeError:", e)
print(sum((a.balance for a in bank.accounts.values()), Fraction(0)))
