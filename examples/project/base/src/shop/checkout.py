"""`python -m shop.checkout CATALOG SKU...`: price the items from the catalog, print the receipt."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from shop.cart import total


def load_catalog(path: Path) -> dict[str, float]:
    """The price of each SKU, from a JSON object mapping SKUs to prices."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(sku): float(price) for sku, price in data.items()}


def receipt(skus: list[str], catalog: dict[str, float]) -> str:
    """One line per item with its price, then the total."""
    lines = [f"{sku:<10}{catalog[sku]:>8.2f}" for sku in skus]
    lines.append(f"{'TOTAL':<10}{total(catalog[sku] for sku in skus):>8.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    catalog, *skus = sys.argv[1:] if argv is None else argv
    print(receipt(skus, load_catalog(Path(catalog))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
