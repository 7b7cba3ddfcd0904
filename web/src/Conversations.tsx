import { useEffect, useState } from 'react';
import { api } from './api';

export function newSessionId() {
  return `web-${crypto.randomUUID().slice(0, 8)}`;
}

/** The shopper's conversations (one cart each): start a new one or go back to another. */
export function Conversations({ current, onSwitch }: { current: string; onSwitch: (sessionId: string) => void }) {
  const [known, setKnown] = useState<string[]>([]);
  useEffect(() => {
    api<{ items: { session_id: string }[] }>('/conversations')
      .then((page) => setKnown(page.items.map((item) => item.session_id)))
      .catch(() => setKnown([]));
  }, [current]);
  const all = known.includes(current) ? known : [current, ...known];

  return (
    <nav className="card conversations" aria-labelledby="conversations-title">
      <h2 id="conversations-title">Conversations</h2>
      <button className="secondary" onClick={() => onSwitch(newSessionId())}>
        New conversation
      </button>
      <ul>
        {all.map((sessionId, index) => (
          <li key={sessionId}>
            <button
              className={sessionId === current ? 'link current' : 'link'}
              aria-current={sessionId === current ? 'true' : undefined}
              onClick={() => onSwitch(sessionId)}
            >
              Conversation {all.length - index}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
