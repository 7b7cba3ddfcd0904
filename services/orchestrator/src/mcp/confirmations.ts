import { createHash, createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { AppError, keysMatch, type Database } from '@ecomm/platform';
import { lt } from 'drizzle-orm';
import { usedConfirmations } from '../database/mcp-schema.js';

/** What a confirmation token is bound to: who, which action on which cart or order, exactly which lines, how much. */
export interface ConfirmationSubject {
  action: 'checkout' | 'cancel_order' | 'return_items';
  userId: string;
  /** The session id of a checkout, the order id of a cancellation or return. */
  target: string;
  /** Everything that decides the amount: lines with quantities and unit prices. */
  lines: unknown;
  amount: number;
}

interface TokenClaims {
  subject: string;
  amount: number;
  nonce: string;
  expiresAt: number;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const fingerprint = (subject: ConfirmationSubject) =>
  createHash('sha256').update(JSON.stringify(subject)).digest('base64url');

/**
 * Short-lived, single-use confirmations: an HMAC-signed token naming a fingerprint of its subject; acting on it
 * records its nonce, so it acts once across replicas. Stateless until used: a preview writes nothing.
 */
export function createConfirmations(options: { db: Database; secret: string; ttlSeconds: number }) {
  // A key of its own, derived from the JWT secret, so a confirmation can never pass for anything else.
  const key = Buffer.from(hkdfSync('sha256', options.secret, 'ecomm', 'mcp-confirmation', 32));
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

  return {
    issue(subject: ConfirmationSubject) {
      const expiresAt = Date.now() + options.ttlSeconds * 1000;
      const payload = encode({
        subject: fingerprint(subject),
        amount: subject.amount,
        nonce: randomUUID(),
        expiresAt,
      } satisfies TokenClaims);
      return {
        confirmation: `${payload}.${sign(payload)}`,
        expires_at: new Date(expiresAt).toISOString(),
        amount: subject.amount,
      };
    },

    /**
     * Acts once on a token issued for exactly this subject, answering its nonce (the id of what it confirms);
     * otherwise throws a refusal saying why. The caller then shows a fresh preview.
     */
    async redeem(token: string, subject: ConfirmationSubject) {
      const [payload = '', signature = ''] = token.split('.');
      if (!keysMatch(signature, sign(payload)))
        throw AppError.badRequest('That confirmation is not one this shop issued.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as TokenClaims;
      if (claims.expiresAt < Date.now()) throw AppError.conflict('That confirmation has expired.');
      if (claims.subject !== fingerprint(subject)) {
        throw AppError.conflict(
          'What you confirmed has changed since (the items, quantities, prices or total), so nothing was done.',
        );
      }
      const inserted = await options.db
        .insert(usedConfirmations)
        .values({ nonce: claims.nonce, expiresAt: new Date(claims.expiresAt) })
        .onConflictDoNothing()
        .returning({ nonce: usedConfirmations.nonce });
      if (inserted.length === 0) throw AppError.conflict('That confirmation was already used.');
      await options.db
        .delete(usedConfirmations)
        .where(lt(usedConfirmations.expiresAt, new Date(Date.now() - 3_600_000)));
      return claims.nonce;
    },
  };
}

export type Confirmations = ReturnType<typeof createConfirmations>;
