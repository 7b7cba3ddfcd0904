/** The six services: the one list the launcher, the tests and the deployment checks agree on. */
export const serviceCatalog = [
  { name: 'orchestrator', port: 8000, schema: 'orchestrator' },
  { name: 'product', port: 8001, schema: 'product' },
  { name: 'order', port: 8002, schema: 'orders' },
  { name: 'payment', port: 8003, schema: 'payment' },
  { name: 'session', port: 8004, schema: 'session' },
  { name: 'auth', port: 8005, schema: 'auth' },
] as const;

export type ServiceName = (typeof serviceCatalog)[number]['name'];

/** Each service's port when the cluster's first port is `base` instead of 8000 (CLUSTER_BASE_PORT). */
export function servicePorts(base = 8000) {
  return Object.fromEntries(serviceCatalog.map(({ name, port }) => [name, base + port - 8000])) as Record<ServiceName, number>;
}

/** Each service connects as its own role, which can use only its own schema. */
export function roleName(schema: string) {
  return `${schema}_service`;
}

/** The variable a caller reads to find a service, e.g. PRODUCT_SERVICE_URL. */
export function serviceUrlVariable(name: ServiceName) {
  return `${name.toUpperCase()}_SERVICE_URL`;
}
