import { describeCrashRecovery } from './order-crash-fixtures.js';

// Two scenarios per file: each starts an orchestrator process, which takes a while on a loaded machine.
describeCrashRecovery('return', [
  { fault: 'refund_payment:crash-before', ends: 'delivered', run: 'compensated' },
  { fault: 'refund_payment:crash-after', ends: 'partially_returned', run: 'completed' },
]);
