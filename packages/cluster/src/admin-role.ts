import { parseArgs } from 'node:util';
import { userProfileSchema, type UserRole } from '@ecomm/contracts';

export const adminUsage = `Usage: pnpm admin grant <email>    the account becomes an admin at its next login
       pnpm admin revoke <email>   the account becomes a plain user at its next login
Options: --auth-url <url>  the auth service (default: the cluster \`pnpm start\` runs from this folder, else
                           http://localhost:8005)
INTERNAL_API_KEY comes from the environment or .env.local.`;

const roleOfAction: Record<string, UserRole> = { grant: 'admin', revoke: 'user' };

/** A command line that cannot be run: the message says what is wrong; the usage says what is right. */
export class UsageError extends Error {}

export interface AdminCommand {
  email: string;
  role: UserRole;
  authUrl?: string;
}

export function parseAdminCommand(args: string[]): AdminCommand {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { 'auth-url': { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [action, email, ...extra] = parsed.positionals;
  if (!action) throw new UsageError('Say grant or revoke, and whose email.');
  const role = roleOfAction[action];
  if (!role) throw new UsageError(`"${action}" is not a command: use grant or revoke.`);
  if (!email) throw new UsageError(`Whose email? pnpm admin ${action} <email>`);
  if (extra.length > 0) throw new UsageError(`One email at a time; "${extra.join(' ')}" is left over.`);
  return { email, role, ...(parsed.values['auth-url'] ? { authUrl: parsed.values['auth-url'] } : {}) };
}

/**
 * Sets an account's role through the auth service's internal route, and says what it means for the person; any
 * refusal becomes an error whose message says what to do.
 */
export async function setAccountRole(target: { authUrl: string; internalApiKey: string }, command: AdminCommand) {
  // `--auth-url http://auth:8005/` is the same service: a doubled slash would be a route it does not have.
  const url = `${target.authUrl.replace(/\/+$/, '')}/users/by-email/${encodeURIComponent(command.email)}/role`;
  // fetch would refuse such a key with a message that quotes it, and the operator's terminal would show it.
  if (!/^[\x20-\x7e]+$/.test(target.internalApiKey))
    throw new Error(
      'INTERNAL_API_KEY has a character no header can carry (a line break, a control character or one outside ASCII): ' +
        'check how it was set; it is not shown here.',
    );
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'PUT',
      headers: { 'x-internal-api-key': target.internalApiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ role: command.role }),
      // Followed, a redirect would carry the internal key to wherever it points.
      redirect: 'manual',
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `No auth service answers at ${target.authUrl} (${cause?.code ?? cause?.message ?? (error as Error).message}): ` +
        'start the cluster with pnpm start, or name the auth service with --auth-url.',
      { cause: error },
    );
  }
  if (response.status >= 300 && response.status < 400) {
    const location = new URL(response.headers.get('location') ?? '', url).href;
    throw new Error(
      `${target.authUrl} answered ${response.status}, a redirect to ${location}: the internal key is not sent on. ` +
        'Name the auth service itself with --auth-url.',
    );
  }
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  if (response.status === 403)
    throw new Error(`The auth service refused the internal key (${body.message}): is INTERNAL_API_KEY the cluster's?`);
  if (!response.ok) throw new Error(`The auth service answered ${response.status}: ${body.message ?? 'no reason'}`);
  const parsed = userProfileSchema.safeParse(body);
  if (!parsed.success)
    throw new Error(
      `${target.authUrl} answered ${response.status} without an account: is it the auth service? Name it with --auth-url.`,
    );
  const profile = parsed.data;
  // Registration verifies no email: when the account was made tells the operator whether it is the one they mean.
  return profile.role === 'admin'
    ? `${profile.email} is an admin: their next login gets the operator console. The account was registered at ` +
        `${profile.created_at}: if that was not its owner, revoke it.`
    : `${profile.email} is a user: their next login has no admin rights; a token they hold keeps its role until it ` +
        'expires (JWT_EXPIRES_IN_SECONDS).';
}
