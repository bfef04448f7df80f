import { expect, test } from "vitest";
import { CartTotal } from "./cart";

test("Cart shows the total", () => {
  expect(CartTotal({ total: 90, discount: 10 })).toBeTruthy();
});
