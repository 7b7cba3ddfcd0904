import { useState, type FormEvent } from 'react';
import type { AccessToken, UserProfile } from '@ecomm/contracts';
import { api, ApiError } from './api';
import { session } from './session';

/** Log in, or register then log in. When a token expired, the same form brings the shopper back where they were. */
export function LoginForm({ expiredEmail }: { expiredEmail?: string }) {
  const [email, setEmail] = useState(expiredEmail ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent, register: boolean) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const credentials = { email, password };
      if (register) await api<UserProfile>('/auth/register', { method: 'POST', body: credentials });
      const { access_token: token } = await api<AccessToken>('/auth/login', { method: 'POST', body: credentials });
      const profile = await api<UserProfile>('/auth/me', { token });
      session.signIn({ token, email: profile.email, role: profile.role });
    } catch (failure) {
      setError(
        !(failure instanceof ApiError)
          ? 'The shop could not be reached; try again.'
          : // A 400 names the API's fields (body.email…): say what to type instead. Chromium lets `a@b` through.
            failure.status === 400
            ? 'Enter a full email address (name@example.com) and a password of 8 to 128 characters.'
            : failure.message,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card login" onSubmit={(event) => void submit(event, false)} aria-labelledby="login-title">
      <h1 id="login-title">{expiredEmail ? 'Your session expired' : 'Welcome to Agent Shop'}</h1>
      <p className="muted">
        {expiredEmail
          ? 'Log in again to carry on; your conversation is kept.'
          : 'Log in, or create an account with an email and a password of at least 8 characters.'}
      </p>
      <label htmlFor="email">Email</label>
      <input
        id="email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      <label htmlFor="password">Password</label>
      <input
        id="password"
        type="password"
        autoComplete="current-password"
        required
        minLength={8}
        maxLength={128}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={busy}>
          Log in
        </button>
        {!expiredEmail && (
          <button type="button" className="secondary" disabled={busy} onClick={(event) => void submit(event, true)}>
            Create account
          </button>
        )}
      </div>
    </form>
  );
}
