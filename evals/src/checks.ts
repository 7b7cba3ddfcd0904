import { toCents } from '@ecomm/contracts';
import type { EvalCase, EvalTurn, ItemExpectation, ShopperExpectation } from './dataset-schema.js';
import type { CaseObservation, ItemState, ShopperState, TurnRecord } from './observation.js';

export const money = (amount: number) =>
  `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** "1 × MacBook Pro + 3 × Keychain", merged and sorted so that equal contents print equally. */
export function describeItems(items: readonly (ItemState | ItemExpectation)[]) {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.product, (merged.get(item.product) ?? 0) + item.quantity);
  if (merged.size === 0) return 'nothing';
  return [...merged.entries()]
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([product, quantity]) => `${quantity} × ${product}`)
    .join(' + ');
}

function excerpt(text: string, length = 90) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

export function checkTurn(expected: EvalTurn, actual: TurnRecord, label: string): string[] {
  if (actual.status !== expected.status)
    return [`${label}: HTTP ${actual.status}, expected ${expected.status} (${excerpt(actual.response)})`];
  const reply = actual.response.toLowerCase();
  const failures: string[] = [];
  for (const phrase of expected.reply_contains) {
    const options = typeof phrase === 'string' ? [phrase] : phrase;
    if (!options.some((option) => reply.includes(option.toLowerCase()))) {
      failures.push(
        `${label}: reply lacks ${options.map((option) => `"${option}"`).join(' or ')} (reply: "${excerpt(actual.response)}")`,
      );
    }
  }
  for (const phrase of expected.reply_excludes) {
    if (reply.includes(phrase.toLowerCase()))
      failures.push(`${label}: reply must not say "${phrase}" (reply: "${excerpt(actual.response)}")`);
  }
  return failures;
}

export function checkShopper(alias: string, expected: ShopperExpectation, actual: ShopperState): string[] {
  const failures: string[] = [];
  const who = alias === 'shopper' ? '' : `${alias}'s `;
  if (actual.orders.length !== expected.orders.length) {
    const found = actual.orders
      .map((order) => `${order.status} ${money(order.total)} for ${describeItems(order.items)}`)
      .join('; ');
    failures.push(
      `${who}orders: ${actual.orders.length} made, expected ${expected.orders.length}${found ? ` (${found})` : ''}`,
    );
  } else {
    expected.orders.forEach((order, index) => {
      const made = actual.orders[index]!;
      const label = `${who}order ${index + 1}`;
      if (made.status !== order.status) failures.push(`${label}: status ${made.status}, expected ${order.status}`);
      if (toCents(made.total) !== toCents(order.total))
        failures.push(`${label}: total ${money(made.total)}, expected ${money(order.total)}`);
      if (describeItems(made.items) !== describeItems(order.items)) {
        failures.push(`${label}: items ${describeItems(made.items)}, expected ${describeItems(order.items)}`);
      }
      if (describeItems(made.returned) !== describeItems(order.returned)) {
        failures.push(`${label}: returned ${describeItems(made.returned)}, expected ${describeItems(order.returned)}`);
      }
      const captured = actual.payments.some(
        (payment) =>
          payment.order_id === made.order_id &&
          payment.transaction_id === made.transaction_id &&
          payment.status === 'captured',
      );
      if (made.status === 'paid' && !captured)
        failures.push(`${label}: paid, but no captured payment carries its transaction id`);
    });
  }
  const payments = (list: { amount: number; refunded: number; status: string }[]) =>
    list
      .map(
        (payment) =>
          `${payment.status} ${money(payment.amount)}${payment.refunded > 0 ? ` (${money(payment.refunded)} refunded)` : ''}`,
      )
      .join(', ') || 'none';
  if (payments(actual.payments) !== payments(expected.payments)) {
    failures.push(`${who}payments: ${payments(actual.payments)}, expected ${payments(expected.payments)}`);
  }
  if (describeItems(actual.cart) !== describeItems(expected.cart)) {
    failures.push(`${who}cart: ${describeItems(actual.cart)}, expected ${describeItems(expected.cart)}`);
  }
  return failures;
}

export function checkStock(changes: Partial<Record<string, number>>, stock: CaseObservation['stock']): string[] {
  const describe = (change: number) => (change === 0 ? 'unchanged' : change > 0 ? `+${change}` : String(change));
  return Object.entries(stock).flatMap(([product, { before, after }]) => {
    const expected = changes[product] ?? 0;
    return after - before === expected
      ? []
      : [`stock of ${product}: ${before} → ${after} (${describe(after - before)}), expected ${describe(expected)}`];
  });
}

/** Every machine-checked expectation of a case against what happened; an empty list means the state is right. */
export function checkCase(evalCase: EvalCase, observation: CaseObservation): string[] {
  const failures: string[] = [];
  evalCase.turns.forEach((turn, index) => {
    const actual = observation.turns[index];
    if (!actual) failures.push(`turn ${index + 1}: was not sent`);
    else failures.push(...checkTurn(turn, actual, `turn ${index + 1}`));
  });
  for (const [alias, expected] of Object.entries(evalCase.expect.shoppers)) {
    const actual = observation.shoppers[alias];
    if (!actual) failures.push(`${alias}: no state was read`);
    else failures.push(...checkShopper(alias, expected, actual));
  }
  failures.push(...checkStock(evalCase.expect.stock_changes, observation.stock));
  return failures;
}
