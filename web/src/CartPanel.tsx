import { useEffect, useState } from 'react';
import type { CartView } from '@ecomm/contracts';
import { api, formatMoney } from './api';

/** The conversation's cart, read again whenever the agent finished a step (`version` changes). */
export function CartPanel({ sessionId, version }: { sessionId: string; version: number }) {
  const [cart, setCart] = useState<CartView>();
  // A cart that could not be read is not an empty one: the shopper is told which it is.
  const [unreadable, setUnreadable] = useState(false);
  useEffect(() => {
    let current = true;
    api<CartView>(`/cart/${encodeURIComponent(sessionId)}`).then(
      (next) => {
        if (!current) return;
        setCart(next);
        setUnreadable(false);
      },
      () => current && setUnreadable(true),
    );
    return () => {
      current = false;
    };
  }, [sessionId, version]);

  return (
    <aside className="card cart" aria-labelledby="cart-title" aria-live="polite">
      <h2 id="cart-title">Cart</h2>
      {unreadable ? (
        <p role="alert" className="error">
          Your cart could not be read just now; it shows again after the next message.
        </p>
      ) : !cart || cart.items.length === 0 ? (
        <p className="muted">Empty. Ask the agent to find something.</p>
      ) : (
        <>
          <ul>
            {cart.items.map((item) => (
              <li key={item.product_id}>
                <span>
                  {item.quantity} × {item.name}
                </span>
                <span>{formatMoney(item.line_total)}</span>
              </li>
            ))}
          </ul>
          <p className="total">
            <span>Total</span>
            <strong>{formatMoney(cart.total)}</strong>
          </p>
          {cart.status === 'checking_out' && <p className="muted">Checking out…</p>}
        </>
      )}
    </aside>
  );
}
