import { databaseErrorCode } from '../http/error-handler.js';

// SQLSTATE classes that say the database, or the way to it, failed rather than the statement: connection exception,
// insufficient resources, operator intervention (a shutdown, a cancel), system error, internal error.
const unreachableClasses = new Set(['08', '53', '57', '58', 'XX']);

/**
 * Whether PostgreSQL refused the statement for what it holds or met (a constraint, a value, a deadlock, a lock it
 * could not take), so that its parts sent one by one may fare differently; false for a database that could not be
 * reached or asked (no connection free, a connection lost, a shutdown), which each part would meet again.
 */
export function isRefusedStatement(error: unknown) {
  const code = error ? databaseErrorCode(error) : undefined;
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code) && !unreachableClasses.has(code.slice(0, 2));
}
