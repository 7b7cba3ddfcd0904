import { parseArgs } from 'node:util';
import { connectToCluster, positiveWholeNumber, targetOptions, targetUsage } from './bench-target.js';
import { describeCheckoutLoad, runCheckoutLoad } from './checkout-load.js';

const usage = `Drives concurrent users through POST /checkout on a running cluster (pnpm start), then checks that
paid orders, captured payments and the stock taken agree. It measures; it asserts nothing about time.

  pnpm bench:checkout [--users 20] [--checkouts N | --duration SECONDS] [--url http://localhost:8000]

--checkouts defaults to 5 per user. ${targetUsage} Auth allows 10 logins a minute by default: start the cluster with
RATE_LIMIT_AUTH=1000/minute RATE_LIMIT_CHECKOUT=100000/minute pnpm start for more than a few users.`;

const { values: options } = parseArgs({
  options: {
    users: { type: 'string', default: '20' },
    checkouts: { type: 'string' },
    duration: { type: 'string' },
    ...targetOptions,
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  console.log(usage);
  process.exit(0);
}

const positive = (name: string, value: string | undefined) =>
  value === undefined ? undefined : positiveWholeNumber(name, value);

const users = positive('users', options.users)!;
const duration = positive('duration', options.duration);
const checkouts = positive('checkouts', options.checkouts) ?? (duration ? Number.POSITIVE_INFINITY : users * 5);
const { urls, shop } = await connectToCluster(options);
const result = await runCheckoutLoad(shop, { users, checkouts, ...(duration ? { durationSeconds: duration } : {}) });
console.log(describeCheckoutLoad(result, urls.orchestrator));
process.exitCode = result.invariant.problems.length === 0 ? 0 : 1;
