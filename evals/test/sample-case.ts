import { caseSchema, type EvalCase } from '../src/dataset-schema.js';
import type { CaseObservation } from '../src/observation.js';

/** A one-turn purchase of a MacBook Pro, and what a correct run of it leaves behind; tests change copies of both. */
export function sampleCase(): EvalCase {
  return caseSchema.parse({
    name: 'buy-macbook',
    family: 'happy_path',
    expected_behavior: 'Buys one MacBook Pro and confirms the paid order of $2,000.00.',
    turns: [
      { message: 'Buy a MacBook Pro', reply_contains: ['MacBook Pro', ['$2,000', '2000']], reply_excludes: ['sorry'] },
    ],
    expect: {
      stock_changes: { 'MacBook Pro': -1 },
      shoppers: {
        shopper: {
          orders: [{ total: 2000, items: [{ product: 'MacBook Pro', quantity: 1 }], returned: [] }],
          payments: [{ amount: 2000 }],
          cart: [],
        },
      },
    },
  });
}

export function sampleObservation(): CaseObservation {
  return {
    turns: [
      {
        user: 'shopper',
        message: 'Buy a MacBook Pro',
        status: 200,
        response: 'Order placed and paid:\n- 1 × MacBook Pro at $2,000.00\nTotal paid: $2,000.00',
        steps: [],
        model: 'offline-planner',
        model_calls: 6,
        latency_ms: 420,
      },
    ],
    shoppers: {
      shopper: {
        orders: [
          {
            order_id: 'o-1',
            status: 'paid',
            total: 2000,
            transaction_id: 't-1',
            items: [{ product: 'MacBook Pro', quantity: 1 }],
            returned: [],
          },
        ],
        payments: [{ order_id: 'o-1', transaction_id: 't-1', amount: 2000, refunded: 0, status: 'captured' }],
        cart: [],
      },
    },
    stock: { 'MacBook Pro': { before: 10, after: 9 }, Keychain: { before: 100, after: 100 } },
  };
}
