import { describeCrashRecovery } from './order-crash-fixtures.js';

describeCrashRecovery('return', [
  { fault: 'start_return:crash-after', ends: 'delivered', run: 'compensated' },
  { fault: 'refund_payment:crash-before', ends: 'delivered', run: 'compensated' },
  { fault: 'refund_payment:crash-after', ends: 'partially_returned', run: 'completed' },
]);
