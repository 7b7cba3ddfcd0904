import { useChat } from '@ai-sdk/react';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { formatMoney } from './api';
import { CartPanel } from './CartPanel';
import { ChatMessage } from './ChatMessage';
import { shopTransport, type ShopMessage } from './chat-transport';
import { Conversations } from './Conversations';

// The longest message /chat/stream takes (chatRequestSchema; the page imports only types from @ecomm/contracts):
// the composer holds no more, so what is typed is never refused with the API's field names and lost.
const maxMessageLength = 2000;

// Messages of the conversations opened in this tab: switching back shows them again.
const shownMessages = new Map<string, ShopMessage[]>();

export function ShopPage({ sessionId, onSwitch }: { sessionId: string; onSwitch: (sessionId: string) => void }) {
  const { messages, sendMessage, status, error } = useChat<ShopMessage>({
    id: sessionId,
    transport: shopTransport,
    messages: shownMessages.get(sessionId) ?? [],
  });
  const [draft, setDraft] = useState('');
  const list = useRef<HTMLOListElement>(null);
  const busy = status === 'submitted' || status === 'streaming';
  const finishedSteps = messages
    .flatMap((message) => message.parts)
    .filter((part) => part.type === 'dynamic-tool' && part.state !== 'input-available').length;

  useEffect(() => {
    shownMessages.set(sessionId, messages);
    list.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [sessionId, messages]);

  const last = messages.at(-1);
  const confirmation =
    !busy && last?.role === 'assistant'
      ? last.parts.find((part) => part.type === 'data-confirmation')?.data
      : undefined;

  function send(text: string) {
    if (!text.trim() || busy) return;
    void sendMessage({ text: text.trim() });
    setDraft('');
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send(draft);
  };
  const enterSends = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send(draft);
    }
  };

  return (
    <div className="shop">
      <Conversations current={sessionId} onSwitch={onSwitch} />
      <section className="card chat" aria-labelledby="chat-title">
        <h2 id="chat-title">Talk to the shop</h2>
        {messages.length === 0 && <p className="muted">Try “find a laptop under $1000” or “buy 1 Acme Phone Pro”.</p>}
        <ol ref={list} className="messages" aria-live="polite">
          {messages.map((message) => (
            <ChatMessage key={message.id} message={message} />
          ))}
        </ol>
        {busy && (
          <p className="muted" role="status">
            The agent is working…
          </p>
        )}
        {error && (
          <p role="alert" className="error">
            {error.message.startsWith('{')
              ? (JSON.parse(error.message) as { message?: string }).message
              : error.message}
          </p>
        )}
        {confirmation && (
          <div
            className="row confirm"
            role="group"
            aria-label={`Confirm the ${confirmation.action === 'refund' ? 'refund' : 'payment'}`}
          >
            <button onClick={() => send('yes')}>
              Yes, {confirmation.action} {formatMoney(confirmation.total ?? 0)}
            </button>
            <button className="secondary" onClick={() => send('no')}>
              No
            </button>
          </div>
        )}
        <form onSubmit={submit} className="composer">
          <label htmlFor="message" className="visually-hidden">
            Message
          </label>
          <textarea
            id="message"
            rows={2}
            maxLength={maxMessageLength}
            placeholder="Ask for something… (Enter sends)"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={enterSends}
          />
          <button type="submit" disabled={busy || !draft.trim()}>
            Send
          </button>
        </form>
      </section>
      <CartPanel sessionId={sessionId} version={finishedSteps + (busy ? 0 : 1000)} />
    </div>
  );
}
