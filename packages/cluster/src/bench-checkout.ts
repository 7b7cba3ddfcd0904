import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { benchShop, percentile, type BenchUrls, type BenchUser } from './bench-shop.js';
import { workspaceRoot } from './workspace-root.js';

const usage = `Drives concurrent users through POST /checkout on a running cluster (pnpm start), then checks that
paid orders, captured payments and the stock taken agree. It measures; it asserts nothing about time.

  pnpm bench:checkout [--users 20] [--checkouts N | --duration SECONDS] [--url http://localhost:8000]

--checkouts defaults to 5 per user. The other services are found on the --url host at ports 8001-8005
(override with --product-url, --order-url, --payment-url, --session-url, --auth-url). INTERNAL_API_KEY comes
from the environment or .env.local. Auth allows 10 logins a minute by default: start the cluster with
RATE_LIMIT_AUTH=1000/minute pnpm start for more than a few users.`;

const { values: options } = parseArgs({
  options: {
    users: { type: 'string', default: '20' },
    checkouts: { type: 'string' },
    duration: { type: 'string' },
    url: { type: 'string', default: 'http://localhost:8000' },
    'product-url': { type: 'string' },
    'order-url': { type: 'string' },
    'payment-url': { type: 'string' },
    'session-url': { type: 'string' },
    'auth-url': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  console.log(usage);
  process.exit(0);
}

function fail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

function positive(name: string, value: string | undefined) {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) fail(`--${name} must be a positive whole number, got "${value}"`);
  return number;
}

const users = positive('users', options.users)!;
const duration = positive('duration', options.duration);
const budget = positive('checkouts', options.checkouts) ?? (duration ? Number.POSITIVE_INFINITY : users * 5);
const base = new URL(options.url);
const sibling = (port: number) => `${base.protocol}//${base.hostname}:${port}`;
const urls: BenchUrls = {
  orchestrator: base.origin,
  product: options['product-url'] ?? sibling(8001),
  order: options['order-url'] ?? sibling(8002),
  payment: options['payment-url'] ?? sibling(8003),
  session: options['session-url'] ?? sibling(8004),
  auth: options['auth-url'] ?? sibling(8005),
};
const localEnvironment = join(workspaceRoot(), '.env.local');
const internalApiKey =
  process.env.INTERNAL_API_KEY ?? (existsSync(localEnvironment) ? parseEnv(readFileSync(localEnvironment, 'utf8')).INTERNAL_API_KEY : undefined);
if (!internalApiKey) fail('INTERNAL_API_KEY is not set and .env.local has none: start the cluster once with pnpm start');

const shop = benchShop(urls, internalApiKey);
await shop.ready().catch((error: Error) => fail(`No cluster answers at ${urls.orchestrator} (${error.message}). Start it with pnpm start.`));

const run = randomUUID().slice(0, 8);
console.log(`Seeding 5 products and ${users} users (run ${run})...`);
const initialStock = 1_000_000;
const prices = [9.99, 24.5, 4.25, 99, 1.01];
const products = await Promise.all(prices.map((price, index) => shop.createProduct(`Bench ${run} item ${index + 1}`, price, initialStock)));
const shoppers: BenchUser[] = [];
for (let index = 0; index < users; index++) {
  shoppers.push(await shop.registerUser(`bench-${run}-${index}@example.com`, `bench-password-${run}`));
}

interface Attempt { sessionId: string; status: number; code?: string; milliseconds: number }
const attempts: Attempt[] = [];
let started = 0;
const deadline = duration ? Date.now() + duration * 1000 : Number.POSITIVE_INFINITY;

function randomLines() {
  const shuffled = [...products].sort(() => Math.random() - 0.5).slice(0, 1 + Math.floor(Math.random() * 3));
  return shuffled.map((product) => ({ productId: product.id, quantity: 1 + Math.floor(Math.random() * 3) }));
}

async function shopper(user: BenchUser) {
  while (started < budget && Date.now() < deadline) {
    started++;
    const sessionId = await shop.fillCart(user, randomLines());
    const begun = performance.now();
    const reply = await shop.checkout(user, sessionId).catch((error: Error) => ({ status: 0, body: { code: error.message } }));
    attempts.push({ sessionId, status: reply.status, code: String(reply.body.code ?? ''), milliseconds: performance.now() - begun });
  }
}

console.log(`Checking out with ${users} concurrent users (${duration ? `${duration} s` : `${budget} checkouts`})...`);
const begun = performance.now();
await Promise.all(shoppers.map(shopper));
const seconds = (performance.now() - begun) / 1000;

const latencies = attempts.map((attempt) => attempt.milliseconds).sort((a, b) => a - b);
const outcomes = new Map<string, number>();
for (const { status, code } of attempts) {
  const outcome = code ? `${status} ${code}` : String(status);
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
}
const completed = attempts.filter((attempt) => attempt.status === 201).length;
const ms = (value: number) => `${value.toFixed(0)} ms`;
console.log(`
${attempts.length} checkouts in ${seconds.toFixed(1)} s against ${urls.orchestrator}
  outcomes:   ${[...outcomes].map(([outcome, count]) => `${outcome} × ${count}`).join(', ')}
  throughput: ${(completed / seconds).toFixed(1)} completed checkouts/s (wall clock, carts filled in between)
  latency:    p50 ${ms(percentile(latencies, 0.5))}, p95 ${ms(percentile(latencies, 0.95))}, p99 ${ms(percentile(latencies, 0.99))}, max ${ms(latencies.at(-1) ?? Number.NaN)}`);

// The invariant, read from the services that hold the truth rather than from the orchestrator.
const problems: string[] = [];
const unitsInPaidOrders = new Map<number, number>();
let paidOrders = 0;
let capturedPayments = 0;
for (const user of shoppers) {
  for (const order of await shop.ordersOf(user.id)) {
    const captured = (await shop.paymentsFor(order.order_id)).filter((payment) => payment.status === 'captured');
    capturedPayments += captured.length;
    if (order.status !== 'paid') {
      if (captured.length > 0) problems.push(`order ${order.order_id} is ${order.status} but charged`);
      continue;
    }
    paidOrders++;
    if (captured.length !== 1 || captured[0]!.transaction_id !== order.transaction_id || captured[0]!.amount !== order.total) {
      problems.push(`paid order ${order.order_id} does not have exactly one matching capture`);
    }
    for (const line of order.lines) unitsInPaidOrders.set(line.product_id, (unitsInPaidOrders.get(line.product_id) ?? 0) + line.quantity);
  }
}
let unitsTaken = 0;
for (const product of products) {
  const taken = initialStock - (await shop.stockOf(product.id));
  unitsTaken += taken;
  if (taken !== (unitsInPaidOrders.get(product.id) ?? 0)) problems.push(`product ${product.id}: ${taken} taken, ${unitsInPaidOrders.get(product.id) ?? 0} in paid orders`);
}
let cartsAsExpected = 0;
for (const attempt of attempts) {
  const emptied = (await shop.cartItems(attempt.sessionId)).length === 0;
  if (emptied === (attempt.status === 201)) cartsAsExpected++;
  else problems.push(`cart ${attempt.sessionId} is ${emptied ? 'empty' : 'full'} after a ${attempt.status}`);
}
if (paidOrders !== completed) problems.push(`${completed} checkouts answered 201 but ${paidOrders} orders are paid`);

console.log(`
Invariant (orders, payments, stock and carts as the services hold them):
  paid orders ${paidOrders}, captured payments ${capturedPayments}, 201 answers ${completed}
  units taken from stock ${unitsTaken}, units in paid orders ${[...unitsInPaidOrders.values()].reduce((sum, units) => sum + units, 0)}
  carts emptied exactly when paid: ${cartsAsExpected}/${attempts.length}
  ${problems.length === 0 ? 'OK' : `BROKEN:\n    ${problems.slice(0, 20).join('\n    ')}`}`);
process.exitCode = problems.length === 0 ? 0 : 1;
