export function CartTotal({ total }: { total: number }) {
  return <p>{total}</p>;
}
