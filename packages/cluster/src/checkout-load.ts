import { randomUUID } from 'node:crypto';
import type { ShopClient } from './shop-client.js';

export interface CheckoutLoadSettings {
  users: number;
  /** Stop after this many checkouts... */
  checkouts: number;
  /** ...or after this many seconds, whichever comes first. */
  durationSeconds?: number;
  log?: (line: string) => void;
  /** Counters read just before and after the checkouts (not the seeding): the CPU seconds of each process, say. */
  meter?: () => Record<string, number>;
}

interface BenchUser {
  userId: string;
  token: string;
}
interface Attempt {
  sessionId: string;
  status: number;
  code?: string;
  milliseconds: number;
}

export interface CheckoutLoadResult {
  attempts: number;
  completed: number;
  seconds: number;
  throughput: number;
  /** How much each of the meter's counters moved while the users checked out. */
  metered: Record<string, number>;
  outcomes: Map<string, number>;
  latency: { p50: number; p95: number; p99: number; max: number };
  invariant: {
    paidOrders: number;
    capturedPayments: number;
    unitsTaken: number;
    unitsInPaidOrders: number;
    cartsAsExpected: number;
    problems: string[];
  };
}

/**
 * Concurrent users each filling a cart and checking it out, until the budget or the time is spent; then the
 * invariant, read from the services that hold the truth rather than from the orchestrator: paid orders, captured
 * payments, stock taken and emptied carts agree.
 */
export async function runCheckoutLoad(shop: ShopClient, settings: CheckoutLoadSettings): Promise<CheckoutLoadResult> {
  const log = settings.log ?? ((line: string) => console.log(line));
  const run = randomUUID().slice(0, 8);
  log(`Seeding 5 products and ${settings.users} users (run ${run})...`);
  const initialStock = 1_000_000;
  const prices = [9.99, 24.5, 4.25, 99, 1.01];
  const products = await Promise.all(
    prices.map((price, index) =>
      shop.createProduct({ name: `Bench ${run} item ${index + 1}`, price, stock: initialStock, category: 'Benchmark' }),
    ),
  );
  const shoppers: BenchUser[] = [];
  for (let index = 0; index < settings.users; index++) {
    shoppers.push(await shop.register(`bench-${run}-${index}@example.com`, `bench-password-${run}`));
  }

  const attempts: Attempt[] = [];
  let started = 0;
  const deadline = settings.durationSeconds ? Date.now() + settings.durationSeconds * 1000 : Number.POSITIVE_INFINITY;
  const randomLines = () =>
    [...products]
      .sort(() => Math.random() - 0.5)
      .slice(0, 1 + Math.floor(Math.random() * 3))
      .map((product) => ({ productId: product.id, quantity: 1 + Math.floor(Math.random() * 3) }));

  async function shopper(user: BenchUser) {
    while (started < settings.checkouts && Date.now() < deadline) {
      started++;
      const sessionId = `bench-${randomUUID()}`;
      await shop.openCart(user.userId, sessionId, randomLines());
      const begun = performance.now();
      const reply = await shop
        .checkout(user.token, sessionId)
        .catch((error: Error) => ({ status: 0, body: { code: error.message } }));
      attempts.push({
        sessionId,
        status: reply.status,
        code: String(reply.body.code ?? ''),
        milliseconds: performance.now() - begun,
      });
    }
  }

  const budget = Number.isFinite(settings.checkouts) ? `${settings.checkouts} checkouts` : '';
  log(
    `Checking out with ${settings.users} concurrent users (${settings.durationSeconds ? `${settings.durationSeconds} s` : budget})...`,
  );
  const meter = settings.meter ?? ((): Record<string, number> => ({}));
  const meterBefore = meter();
  const begun = performance.now();
  await Promise.all(shoppers.map(shopper));
  const seconds = (performance.now() - begun) / 1000;
  const metered = Object.fromEntries(
    Object.entries(meter()).map(([counter, value]) => [counter, value - (meterBefore[counter] ?? 0)]),
  );

  const latencies = attempts.map((attempt) => attempt.milliseconds).sort((a, b) => a - b);
  const outcomes = new Map<string, number>();
  for (const { status, code } of attempts) {
    const outcome = code ? `${status} ${code}` : String(status);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  const completed = attempts.filter((attempt) => attempt.status === 201).length;

  const problems: string[] = [];
  const unitsInPaidOrders = new Map<number, number>();
  let paidOrders = 0;
  let capturedPayments = 0;
  for (const user of shoppers) {
    for (const order of await shop.ordersOf(user.userId)) {
      const captured = (await shop.paymentsFor(order.order_id)).filter((payment) => payment.status === 'captured');
      capturedPayments += captured.length;
      if (order.status !== 'paid') {
        if (captured.length > 0) problems.push(`order ${order.order_id} is ${order.status} but charged`);
        continue;
      }
      paidOrders++;
      if (
        captured.length !== 1 ||
        captured[0]!.transaction_id !== order.transaction_id ||
        captured[0]!.amount !== order.total
      ) {
        problems.push(`paid order ${order.order_id} does not have exactly one matching capture`);
      }
      for (const line of order.lines)
        unitsInPaidOrders.set(line.product_id, (unitsInPaidOrders.get(line.product_id) ?? 0) + line.quantity);
    }
  }
  let unitsTaken = 0;
  for (const product of products) {
    const taken = initialStock - (await shop.product(product.id)).stock;
    unitsTaken += taken;
    if (taken !== (unitsInPaidOrders.get(product.id) ?? 0))
      problems.push(`product ${product.id}: ${taken} taken, ${unitsInPaidOrders.get(product.id) ?? 0} in paid orders`);
  }
  let cartsAsExpected = 0;
  for (const attempt of attempts) {
    const emptied = ((await shop.cart(attempt.sessionId))?.items.length ?? 0) === 0;
    if (emptied === (attempt.status === 201)) cartsAsExpected++;
    else problems.push(`cart ${attempt.sessionId} is ${emptied ? 'empty' : 'full'} after a ${attempt.status}`);
  }
  if (paidOrders !== completed) problems.push(`${completed} checkouts answered 201 but ${paidOrders} orders are paid`);

  return {
    attempts: attempts.length,
    completed,
    seconds,
    throughput: completed / seconds,
    metered,
    outcomes,
    latency: {
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? Number.NaN,
    },
    invariant: {
      paidOrders,
      capturedPayments,
      unitsTaken,
      unitsInPaidOrders: [...unitsInPaidOrders.values()].reduce((sum, units) => sum + units, 0),
      cartsAsExpected,
      problems,
    },
  };
}

export function percentile(sorted: number[], share: number) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

/** The lines `pnpm bench:checkout` has always printed: throughput, latency and the invariant block. */
export function describeCheckoutLoad(result: CheckoutLoadResult, orchestratorUrl: string) {
  const { latency, invariant } = result;
  const rateLimited = [...result.outcomes]
    .filter(([outcome]) => outcome.startsWith('429'))
    .reduce((sum, [, n]) => sum + n, 0);
  const limitWarning = rateLimited
    ? `\n  WARNING: ${rateLimited} checkouts were refused by the rate limit: these figures measure the limit, not the` +
      ` checkout. Start the cluster with RATE_LIMIT_CHECKOUT=100000/minute.`
    : '';
  return `
${result.attempts} checkouts in ${result.seconds.toFixed(1)} s against ${orchestratorUrl}
  outcomes:   ${[...result.outcomes].map(([outcome, count]) => `${outcome} × ${count}`).join(', ')}
  throughput: ${result.throughput.toFixed(1)} completed checkouts/s (wall clock, carts filled in between)
  latency:    p50 ${ms(latency.p50)}, p95 ${ms(latency.p95)}, p99 ${ms(latency.p99)}, max ${ms(latency.max)}${limitWarning}

Invariant (orders, payments, stock and carts as the services hold them):
  paid orders ${invariant.paidOrders}, captured payments ${invariant.capturedPayments}, 201 answers ${result.completed}
  units taken from stock ${invariant.unitsTaken}, units in paid orders ${invariant.unitsInPaidOrders}
  carts emptied exactly when paid: ${invariant.cartsAsExpected}/${result.attempts}
  ${invariant.problems.length === 0 ? 'OK' : `BROKEN:\n    ${invariant.problems.slice(0, 20).join('\n    ')}`}`;
}
