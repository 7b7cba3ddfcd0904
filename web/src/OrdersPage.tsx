import { useCallback, useEffect, useRef, useState } from 'react';
import type { Order, OrderOperationResult } from '@ecomm/contracts';
import { api, ApiError, formatMoney } from './api';

type Action = { kind: 'cancel' | 'return'; order: Order };

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : undefined);
const remaining = (order: Order) =>
  order.lines
    .map((line) => ({ product_id: line.product_id, quantity: line.quantity - line.returned_quantity }))
    .filter((line) => line.quantity > 0);

const afterPurchaseLabels: Partial<Record<Order['status'], string>> = {
  cancelling: 'Cancelling',
  cancelled: 'Cancelled',
  partially_returned: 'Partly returned',
  returned: 'Returned',
};

function timeline(order: Order) {
  const done = (reached: boolean, label: string, at?: string) => ({ reached, label, at });
  const paid = !['pending', 'cancelled'].includes(order.status) || Boolean(order.transaction_id);
  return [
    done(true, 'Ordered', when(order.created_at)),
    done(paid, 'Paid', order.transaction_id ? `transaction ${order.transaction_id.slice(0, 8)}` : undefined),
    done(Boolean(order.shipped_at), 'Shipped', when(order.shipped_at)),
    done(Boolean(order.delivered_at), 'Delivered', when(order.delivered_at)),
    ...(order.status in afterPurchaseLabels
      ? [done(true, afterPurchaseLabels[order.status]!, when(order.updated_at))]
      : []),
  ];
}

/** My orders: status and timeline; cancel a paid one or return delivered items, each after a confirmation dialog. */
export function OrdersPage() {
  // Undefined until read, and when they could not be read: "no orders yet" only once the order service said so.
  const [orders, setOrders] = useState<Order[]>();
  const [unreadable, setUnreadable] = useState(false);
  const [action, setAction] = useState<Action>();
  const [notice, setNotice] = useState<string>();
  // While a cancellation or return is on its way, a second click must not send another one.
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  const load = useCallback(
    () =>
      void api<{ items: Order[] }>('/orders?limit=50').then(
        (page) => {
          setOrders(page.items);
          setUnreadable(false);
        },
        () => setUnreadable(true),
      ),
    [],
  );
  useEffect(load, [load]);
  useEffect(() => {
    if (action) dialog.current?.showModal();
    else dialog.current?.close();
  }, [action]);

  async function confirm() {
    if (!action || busy) return;
    const { kind, order } = action;
    setBusy(true);
    try {
      const result =
        kind === 'cancel'
          ? await api<OrderOperationResult>(`/orders/${order.order_id}/cancel`, { method: 'POST', body: {} })
          : await api<OrderOperationResult>(`/orders/${order.order_id}/returns`, {
              method: 'POST',
              body: { lines: remaining(order) },
            });
      const shortId = order.order_id.slice(0, 8);
      // Still processing, it may yet be undone: nothing is promised before the order's status says so.
      setNotice(
        result.status === 'completed'
          ? `Order ${shortId} is now ${result.order.status}; ${formatMoney(result.refund_amount)} is refunded.`
          : `Your ${kind === 'cancel' ? 'cancellation' : 'return'} of order ${shortId} is still being processed; ` +
              'reload this page shortly to see how it ended.',
      );
    } catch (error) {
      setNotice(error instanceof ApiError ? error.message : 'That did not work; try again.');
    }
    setBusy(false);
    setAction(undefined);
    load();
  }

  return (
    <section className="card" aria-labelledby="orders-title">
      <h2 id="orders-title">My orders</h2>
      {notice && <p role="status">{notice}</p>}
      {unreadable && (
        <p role="alert" className="error">
          Your orders could not be read just now; try again in a moment.
        </p>
      )}
      {!unreadable && orders?.length === 0 && <p className="muted">No orders yet. Buy something in the shop.</p>}
      <ul className="orders">
        {orders?.map((order) => (
          <li key={order.order_id} className="order">
            <div className="row spread">
              <strong>Order {order.order_id.slice(0, 8)}</strong>
              <span className={`badge ${order.status}`}>{order.status.replace('_', ' ')}</span>
              <strong>{formatMoney(order.total)}</strong>
            </div>
            <ul className="lines">
              {order.lines.map((line) => (
                <li key={line.product_id}>
                  {line.quantity} × {line.name} at {formatMoney(line.unit_price)}
                  {line.returned_quantity ? ` (${line.returned_quantity} returned)` : ''}
                </li>
              ))}
            </ul>
            <ol className="timeline" aria-label={`Timeline of order ${order.order_id.slice(0, 8)}`}>
              {timeline(order).map((step) => (
                <li key={step.label} className={step.reached ? 'reached' : 'muted'}>
                  {step.label}
                  {step.at ? ` — ${step.at}` : ''}
                </li>
              ))}
            </ol>
            <div className="row">
              {order.status === 'paid' && (
                <button className="danger" onClick={() => setAction({ kind: 'cancel', order })}>
                  Cancel order
                </button>
              )}
              {['delivered', 'partially_returned'].includes(order.status) && (
                <button className="secondary" onClick={() => setAction({ kind: 'return', order })}>
                  Return items
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <dialog ref={dialog} aria-labelledby="dialog-title" onClose={() => setAction(undefined)}>
        {action && (
          <>
            <h3 id="dialog-title">{action.kind === 'cancel' ? 'Cancel this order?' : 'Return these items?'}</h3>
            <p>
              {action.kind === 'cancel'
                ? `Order ${action.order.order_id.slice(0, 8)} will be cancelled and ${formatMoney(action.order.total)} refunded.`
                : `Every item of order ${action.order.order_id.slice(0, 8)} not yet returned goes back, refunded at the price you paid.`}
            </p>
            <div className="row">
              <button className="danger" disabled={busy} onClick={() => void confirm()}>
                {action.kind === 'cancel' ? 'Yes, cancel it' : 'Yes, return them'}
              </button>
              <button className="secondary" disabled={busy} onClick={() => setAction(undefined)}>
                Keep the order
              </button>
            </div>
          </>
        )}
      </dialog>
    </section>
  );
}
