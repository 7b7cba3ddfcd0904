import '@ecomm/platform/start-tracing';
import { runService } from '@ecomm/platform';
import { authService } from '@ecomm/auth-service/service';

await runService(authService);
