// The catalog itself lives in @ecomm/contracts, where the services read their own defaults from it; its own entry
// point spares the launcher loading every schema (zod) of the contracts just to read the list.
import { serviceCatalog, type ServiceName } from '@ecomm/contracts/service-catalog';

export { serviceCatalog, type ServiceName };

/** Each service's port when the cluster's first port is `base` instead of 8000 (CLUSTER_BASE_PORT). */
export function servicePorts(base = 8000) {
  return Object.fromEntries(serviceCatalog.map(({ name, port }) => [name, base + port - 8000])) as Record<
    ServiceName,
    number
  >;
}

/** Each service connects as its own role, which can use only its own schema. */
export function roleName(schema: string) {
  return `${schema}_service`;
}

/** The variable a caller reads to find a service, e.g. PRODUCT_SERVICE_URL. */
export function serviceUrlVariable(name: ServiceName) {
  return `${name.toUpperCase()}_SERVICE_URL`;
}
