import '@ecomm/platform/tracing';
import { runService } from '@ecomm/platform';
import { sessionService } from './service.js';

await runService(sessionService);
