/**
 * The six services, each with its default port and its database schema: the one list the services' own defaults,
 * the launcher, the tests and the deployment checks are derived from.
 */
export const serviceCatalog = [
  { name: 'orchestrator', port: 8000, schema: 'orchestrator' },
  { name: 'product', port: 8001, schema: 'product' },
  { name: 'order', port: 8002, schema: 'orders' },
  { name: 'payment', port: 8003, schema: 'payment' },
  { name: 'session', port: 8004, schema: 'session' },
  { name: 'auth', port: 8005, schema: 'auth' },
] as const;

export type ServiceName = (typeof serviceCatalog)[number]['name'];

/** A service's catalog entry: its default port and its schema. */
export function catalogEntry<Name extends ServiceName>(name: Name) {
  return serviceCatalog.find((service) => service.name === name) as Extract<
    (typeof serviceCatalog)[number],
    { name: Name }
  >;
}
