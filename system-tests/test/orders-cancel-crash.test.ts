import { describeCrashRecovery } from './order-crash-fixtures.js';

describeCrashRecovery('cancel', [
  { fault: 'hold_order:crash-after', ends: 'paid', run: 'compensated' },
  { fault: 'refund_payment:crash-after', ends: 'cancelled', run: 'completed' },
  { fault: 'cancel_order:crash-before', ends: 'cancelled', run: 'completed' },
]);
