import '../../packages/platform/src/observability/start-tracing-sync.ts';
import { runService } from '@ecomm/platform';
import { authService } from '@ecomm/auth-service/service';

await runService(authService);
