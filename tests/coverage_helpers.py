"""A small real Python package measured by the real coverage.py, for coverage tests."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PRICE = '''\
def discount(total, member):
    if member:
        return total * 9 // 10
    return total


def tax(total, rate):
    if rate < 0:
        raise ValueError("negative rate")
    if rate == 0:
        return 0
    return total * rate // 100


def describe(total):
    if total > 100:
        return "large"
    return "small"


def debug_repr(value):  # pragma: no cover
    return repr(value)


def __repr__():
    return "price"
'''

CART = '''\
from shop.price import discount, tax


class Cart:
    def __init__(self):
        self.items = []

    def add(self, cents):
        if cents <= 0:
            raise ValueError(cents)
        self.items.append(cents)

    def total(self, member=False):
        subtotal = sum(self.items)
        for _ in range(0):
            subtotal += 1
        return tax(discount(subtotal, member), 10)
'''

RUNNER = '''\
from shop.cart import Cart

cart = Cart()
cart.add(1000)
assert cart.total(member=True) == 90
'''

COVERAGERC = "[report]\nexclude_also =\n    def __repr__\n"


def write_package(root: Path) -> None:
    """The package, the script that exercises it and a coverage configuration."""
    for rel, text in {"shop/__init__.py": "", "shop/price.py": PRICE, "shop/cart.py": CART,
                      "run_tests.py": RUNNER, ".coveragerc": COVERAGERC}.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def coverage(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the real coverage.py command line in `root`."""
    proc = subprocess.run([sys.executable, "-m", "coverage", *args], cwd=root,
                          capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"coverage {' '.join(args)} failed: {proc.stdout}{proc.stderr}")
    return proc


def measure(root: Path, branch: bool, out: str = ".") -> None:
    """`coverage run` the script, then write XML and JSON next to the data file."""
    data = f"--data-file={out}/.coverage"
    coverage(root, "run", *(["--branch"] if branch else []), data, "--source=shop", "run_tests.py")
    coverage(root, "xml", data, "-o", f"{out}/coverage.xml")
    coverage(root, "json", data, "-o", f"{out}/coverage.json")


@dataclass(frozen=True)
class Total:
    """The TOTAL line of `coverage report`."""

    statements: int
    missing: int
    branches: int | None
    partial: int | None
    percent: str


def report_total(root: Path, *args: str, out: str = ".") -> Total:
    text = coverage(root, "report", f"--data-file={out}/.coverage", *args).stdout
    line = next(row for row in text.splitlines() if row.startswith("TOTAL"))
    fields = line.split()[1:]
    numbers = [int(f) for f in fields[:-1]]
    percent = re.sub(r"%$", "", fields[-1])
    if len(numbers) == 4:
        return Total(numbers[0], numbers[1], numbers[2], numbers[3], percent)
    return Total(numbers[0], numbers[1], None, None, percent)
