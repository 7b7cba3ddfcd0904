import { createHash } from 'node:crypto';

// A fixed namespace of this shop's order operations (any constant UUID serves; it only keeps these ids apart).
const namespace = Buffer.from('6f1c2a3e4b5d4e6f8a7b9c0d1e2f3a4b', 'hex');

/**
 * The saga id of the operation a caller named (a UUID v5 of user, operation, order, the caller's id and the attempt,
 * counted past runs undone entirely): the same id always names the same run, so a replayed call finds the first run
 * instead of starting a second refund.
 */
export function operationSagaId(of: {
  userId: string;
  operation: string;
  orderId: string;
  operationId: string;
  attempt: number;
}): string {
  const name = [of.userId, of.operation, of.orderId, of.operationId, of.attempt].join('\n');
  const hash = createHash('sha1').update(namespace).update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
