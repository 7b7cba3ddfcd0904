import '@ecomm/platform/tracing';
import { runService } from '@ecomm/platform';
import { authService } from './service.js';

await runService(authService);
