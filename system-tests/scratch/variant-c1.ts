import { startTracing } from '../../packages/platform/src/observability/tracing.ts';

await startTracing({ service: 'auth', endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT! });
const { runService } = await import('@ecomm/platform');
const { authService } = await import('@ecomm/auth-service/service');
await runService(authService);
