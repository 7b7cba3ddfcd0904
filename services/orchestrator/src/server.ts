import '@ecomm/platform/tracing';
import { runService } from '@ecomm/platform';
import { orchestratorService } from './service.js';

await runService(orchestratorService);
