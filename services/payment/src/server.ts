import '@ecomm/platform/tracing';
import { runService } from '@ecomm/platform';
import { paymentService } from './service.js';

await runService(paymentService);
