import { useSyncExternalStore } from 'react';

/**
 * The access token lives in memory and in sessionStorage: it survives a reload of this tab, is gone when the tab
 * closes, and is never sent by the browser on its own (so no CSRF). See the README for why not a cookie.
 */
export interface Session {
  token: string;
  email: string;
  role: 'user' | 'admin';
  expired?: boolean;
}

const storageKey = 'agent-shop.session';
let current: Session | undefined = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') ?? undefined;
const listeners = new Set<() => void>();

function publish(next: Session | undefined) {
  current = next;
  if (next) sessionStorage.setItem(storageKey, JSON.stringify(next));
  else sessionStorage.removeItem(storageKey);
  for (const listener of listeners) listener();
}

export const session = {
  get: () => current,
  signIn: (next: Session) => publish(next),
  signOut: () => publish(undefined),
  /** A 401 keeps the page (and the conversation on it) and asks for the password again. */
  expire: () => current && !current.expired && publish({ ...current, expired: true }),
};

export function useSession() {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
