import '@ecomm/platform/tracing';
import { runService } from '@ecomm/platform';
import { orderService } from './service.js';

await runService(orderService);
