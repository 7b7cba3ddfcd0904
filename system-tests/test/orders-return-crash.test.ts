import { describeCrashRecovery } from './order-crash-fixtures.js';

// Two scenarios per file: each restart of the orchestrator process takes a while on a loaded machine.
describeCrashRecovery('return', [
  { fault: 'refund_payment:crash-before', ends: 'delivered', run: 'compensated' },
  { fault: 'complete_return:crash-before', ends: 'partially_returned', run: 'completed' },
]);
