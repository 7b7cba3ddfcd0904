import { formatMoney } from './api';
import type { ShopMessage } from './chat-transport';
import { stepLabel } from './steps';

const stepMarks = { done: '✓', failed: '✗', asked: '?', running: '…' } as const;

function stepState(partState: string, asked: boolean): keyof typeof stepMarks {
  if (partState === 'output-available') return 'done';
  if (partState === 'output-error') return 'failed';
  return asked ? 'asked' : 'running';
}

/** One message: the agent's steps as they happen (with their outcome), its words, and any receipts. */
export function ChatMessage({ message }: { message: ShopMessage }) {
  // A step that asked the shopper first pauses there without an outcome; its answer goes on in the next message.
  const asked = message.parts.some((part) => part.type === 'data-confirmation');
  return (
    <li className={`message ${message.role}`}>
      <span className="visually-hidden">{message.role === 'user' ? 'You said:' : 'The shop said:'}</span>
      {message.parts.map((part, index) => {
        if (part.type === 'text') return <p key={index}>{part.text}</p>;
        if (part.type === 'dynamic-tool') {
          const state = stepState(part.state, asked);
          return (
            <p key={index} className={`step ${state}`}>
              <span aria-hidden="true">{stepMarks[state]}</span> {stepLabel(part.toolName, part.input)}
              {state === 'failed' && <span className="muted"> — {part.errorText}</span>}
              {state === 'asked' && <span className="muted"> — asked you to confirm</span>}
            </p>
          );
        }
        if (part.type === 'data-receipt') {
          const receipt = part.data;
          return (
            <section key={index} className="receipt" aria-label="Receipt">
              <strong>Paid {formatMoney(receipt.total_paid)}</strong>
              <ul>
                {receipt.items.map((item) => (
                  <li key={item.product_id}>
                    {item.quantity} × {item.name} at {formatMoney(item.unit_price)}
                  </li>
                ))}
              </ul>
              <small>
                Order {receipt.order_id}
                <br />
                Transaction {receipt.transaction_id}
              </small>
            </section>
          );
        }
        return null;
      })}
    </li>
  );
}
