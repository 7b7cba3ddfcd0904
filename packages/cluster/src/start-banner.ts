import { serviceCatalog, type ServiceName } from './service-catalog.js';

/** What `pnpm start` prints once the cluster is up: where the shop is, and a curl session to try it. */
export function startBanner(ports: Record<ServiceName, number>, environment: Record<string, string>) {
  const modelInUse =
    environment.OPENAI_API_KEY || environment.OPENAI_BASE_URL
      ? 'the OpenAI-compatible model you configured'
      : 'the offline model (no LLM key set; see the README)';
  return `
Open the shop: http://localhost:${ports.orchestrator}/

The cluster is up:
${serviceCatalog.map(({ name }) => `  ${name.padEnd(13)} http://localhost:${ports[name]}`).join('\n')}
The agents use ${modelInUse}.

Try it in another terminal, from this folder:
  KEY=$(grep '^INTERNAL_API_KEY=' .env.local | cut -d= -f2)
  curl -s -X POST http://localhost:8005/auth/register -H 'Content-Type: application/json' \\
    -d '{"email": "ada@example.com", "password": "correct-horse-battery"}'
  TOKEN=$(curl -s -X POST http://localhost:8005/auth/login -H 'Content-Type: application/json' \\
    -d '{"email": "ada@example.com", "password": "correct-horse-battery"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
  curl -s -X POST http://localhost:8001/ -H 'Content-Type: application/json' -H "X-Internal-API-Key: $KEY" \\
    -d '{"name": "MacBook Pro", "price": 2000.0, "stock": 10}'
  curl -s -X POST http://localhost:8000/chat -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
    -d '{"session_id": "ada-1", "message": "Find a MacBook Pro and buy 1 unit."}'

Press Ctrl-C to stop.`;
}
