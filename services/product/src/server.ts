import '@ecomm/platform/tracing';
import { runService } from '@ecomm/platform';
import { productService } from './service.js';

await runService(productService);
