import { useEffect, useState } from 'react';
import { ConsolePage } from './ConsolePage';
import { newSessionId } from './Conversations';
import { LoginForm } from './LoginForm';
import { OrdersPage } from './OrdersPage';
import { session, useSession } from './session';
import { ShopPage } from './ShopPage';

type Page = 'shop' | 'orders' | 'console';

function pageFromHash(): Page {
  const page = window.location.hash.replace('#/', '');
  return page === 'console' || page === 'orders' ? page : 'shop';
}

const sessionKey = 'agent-shop.conversation';

export function App() {
  const current = useSession();
  const [page, setPage] = useState<Page>(pageFromHash);
  const [sessionId, setSessionId] = useState(() => sessionStorage.getItem(sessionKey) ?? newSessionId());

  useEffect(() => {
    const follow = () => setPage(pageFromHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  useEffect(() => sessionStorage.setItem(sessionKey, sessionId), [sessionId]);

  const isAdmin = current?.role === 'admin';
  return (
    <>
      <header className="top">
        <a href="#/shop" className="brand">
          Agent Shop
        </a>
        {current && !current.expired && (
          <nav aria-label="Main">
            <a href="#/shop" aria-current={page === 'shop' ? 'page' : undefined}>
              Shop
            </a>
            <a href="#/orders" aria-current={page === 'orders' ? 'page' : undefined}>
              Orders
            </a>
            {isAdmin && (
              <a href="#/console" aria-current={page === 'console' ? 'page' : undefined}>
                Operator console
              </a>
            )}
            <span className="muted who">{current.email}</span>
            <button className="secondary" onClick={() => session.signOut()}>
              Log out
            </button>
          </nav>
        )}
      </header>
      <main>
        {!current && <LoginForm />}
        {current?.expired && (
          <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="login-title">
            <LoginForm expiredEmail={current.email} />
          </div>
        )}
        {current && page === 'shop' && <ShopPage key={sessionId} sessionId={sessionId} onSwitch={setSessionId} />}
        {current && page === 'orders' && <OrdersPage />}
        {current &&
          page === 'console' &&
          (isAdmin ? (
            <ConsolePage />
          ) : (
            <p className="card" role="alert">
              The operator console is for admins only.
            </p>
          ))}
      </main>
    </>
  );
}
