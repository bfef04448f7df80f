export function CartTotal({ total, discount }: { total: number; discount?: number }) {
  return <p>{discount ? `${total} (-${discount}%)` : total}</p>;
}
