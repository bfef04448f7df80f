import { expect, test } from "vitest";
import { total } from "../src/cart";

test("Discounted total", () => {
  expect(total([100], 0.1)).toBe(90);
});
