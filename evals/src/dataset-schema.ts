import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fixtureProductNames } from './catalog-fixture.js';

export const families = [
  'happy_path',
  'quantity_validation',
  'cart_operations',
  'multi_step',
  'pricing',
  'safety',
  'order_history',
  'cancellation',
  'returns',
] as const;

const productName = z.enum(fixtureProductNames, {
  error: `must be a product of the catalog fixture: ${fixtureProductNames.join(', ')}`,
});
const userAlias = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lowercase alias such as "shopper" or "rival"');
const amount = z.number().min(0);

/** A phrase the reply must contain (case-insensitive); a list means any one of them. */
const phraseSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(2)]);

export const turnSchema = z.strictObject({
  message: z.string().min(1).max(2000),
  /** Who sends it; each alias is a freshly registered user of its own. */
  user: userAlias.default('shopper'),
  /** Send it on another user's session instead of the sender's own. */
  session_of: userAlias.optional(),
  /** Before the message is sent, the operator moves the sender's paid (or shipped) orders on to this status. */
  fulfil: z.enum(['shipped', 'delivered']).optional(),
  status: z.number().int().min(100).max(599).default(200),
  reply_contains: z.array(phraseSchema).default([]),
  reply_excludes: z.array(z.string().min(1)).default([]),
});

const itemSchema = z.strictObject({ product: productName, quantity: z.number().int().min(1) });

const orderExpectationSchema = z.strictObject({
  status: z
    .enum(['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'partially_returned', 'returned'])
    .default('paid'),
  total: amount,
  items: z.array(itemSchema).min(1),
  /** Units sent back, per product; none unless listed. */
  returned: z.array(itemSchema).default([]),
});

const paymentExpectationSchema = z.strictObject({
  amount,
  status: z.enum(['captured', 'partially_refunded', 'refunded', 'declined']).default('captured'),
  /** What was given back of it; what the shop keeps is amount − refunded. */
  refunded: amount.default(0),
});

/** What one user must own at the end: every order and payment (in order of creation) and the cart of their session. */
const shopperExpectationSchema = z.strictObject({
  orders: z.array(orderExpectationSchema),
  payments: z.array(paymentExpectationSchema),
  cart: z.array(itemSchema),
});

export const caseSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case'),
    family: z.enum(families),
    expected_behavior: z.string().min(20, 'must describe the expected behaviour for the judge'),
    turns: z.array(turnSchema).min(1),
    expect: z.strictObject({
      /** Stock change per product (e.g. -1); every product not listed must be unchanged. */
      stock_changes: z.partialRecord(productName, z.number().int()).default({}),
      shoppers: z.record(userAlias, shopperExpectationSchema),
    }),
  })
  .superRefine((evalCase, context) => {
    const senders = new Set<string>();
    evalCase.turns.forEach((turn, index) => {
      senders.add(turn.user);
      if (turn.session_of && !senders.has(turn.session_of)) {
        context.addIssue({
          code: 'custom',
          path: ['turns', index, 'session_of'],
          message: `"${turn.session_of}" has not sent a message before this turn`,
        });
      }
    });
    const expected = new Set(Object.keys(evalCase.expect.shoppers));
    for (const user of senders) {
      if (!expected.has(user))
        context.addIssue({
          code: 'custom',
          path: ['expect', 'shoppers'],
          message: `must state what "${user}" ends with`,
        });
    }
    for (const user of expected) {
      if (!senders.has(user))
        context.addIssue({ code: 'custom', path: ['expect', 'shoppers', user], message: 'sends no turn' });
    }
  });

export const datasetSchema = z
  .array(caseSchema)
  .min(1)
  .superRefine((cases, context) => {
    const seen = new Set<string>();
    cases.forEach((evalCase, index) => {
      if (seen.has(evalCase.name))
        context.addIssue({ code: 'custom', path: [index, 'name'], message: `"${evalCase.name}" is used twice` });
      seen.add(evalCase.name);
    });
  });

export type EvalCase = z.infer<typeof caseSchema>;
export type EvalTurn = z.infer<typeof turnSchema>;
export type ItemExpectation = z.infer<typeof itemSchema>;
export type ShopperExpectation = z.infer<typeof shopperExpectationSchema>;
export type Family = (typeof families)[number];

export const defaultDatasetPath = new URL('../dataset.json', import.meta.url);

/** Reads and validates a dataset file; a bad case stops the run with the path of every problem. */
export function loadDataset(path: string | URL = defaultDatasetPath): EvalCase[] {
  const result = datasetSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(dataset)'}: ${issue.message}`);
  throw new Error(`The dataset ${String(path)} is invalid:\n${problems.join('\n')}`);
}
