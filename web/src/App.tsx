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

  useEffect(() => {
    const follow = () => setPage(pageFromHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

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
        {current && <AccountPages key={current.email} email={current.email} page={page} isAdmin={isAdmin} />}
      </main>
    </>
  );
}

/**
 * One account's pages, remounted when another account logs in to this tab (after a log-out or over an expired
 * token): its conversation is remembered per account, so the next shopper neither sees nor reuses the last one's.
 */
function AccountPages({ email, page, isAdmin }: { email: string; page: Page; isAdmin: boolean }) {
  const key = `${sessionKey}:${email}`;
  const [sessionId, setSessionId] = useState(() => sessionStorage.getItem(key) ?? newSessionId());
  useEffect(() => sessionStorage.setItem(key, sessionId), [key, sessionId]);

  if (page === 'shop') return <ShopPage key={sessionId} sessionId={sessionId} onSwitch={setSessionId} />;
  if (page === 'orders') return <OrdersPage />;
  return isAdmin ? (
    <ConsolePage />
  ) : (
    <p className="card" role="alert">
      The operator console is for admins only.
    </p>
  );
}
