import { describeCrashRecovery } from './order-crash-fixtures.js';

// Two scenarios per file: each starts an orchestrator process, which takes a while on a loaded machine.
describeCrashRecovery('cancel', [
  { fault: 'hold_order:crash-after', ends: 'paid', run: 'compensated' },
  { fault: 'refund_payment:crash-after', ends: 'cancelled', run: 'completed' },
]);
