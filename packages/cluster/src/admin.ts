import { adminUsage, parseAdminCommand, setAccountRole, UsageError } from './admin-role.js';
import { localSecret, targetUrls } from './bench-target.js';

// `pnpm admin grant|revoke <email>`: the operator's grant of the admin role, in a running cluster.
try {
  const command = parseAdminCommand(process.argv.slice(2));
  const internalApiKey = localSecret('INTERNAL_API_KEY');
  if (!internalApiKey)
    throw new Error("INTERNAL_API_KEY is not set and .env.local has none: set it to the cluster's internal key.");
  const authUrl = targetUrls({ 'auth-url': command.authUrl }).auth;
  console.log(await setAccountRole({ authUrl, internalApiKey }, command));
} catch (error) {
  console.error((error as Error).message);
  if (error instanceof UsageError) console.error(`\n${adminUsage}`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
