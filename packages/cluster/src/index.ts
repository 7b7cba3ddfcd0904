export { parseAdminCommand, setAccountRole, UsageError } from './admin-role.js';
export { rolePasswords } from './dev-environment.js';
export { startEmbeddedPostgres, type EmbeddedPostgresSettings } from './embedded-postgres.js';
export { launchServices, spawnService, stopServices, waitUntilReady, type RunningService } from './launch.js';
export { ensureServiceRoles, ensureServiceSchemas, serviceDatabaseUrls } from './provision.js';
export { roleName, serviceCatalog, serviceUrlVariable, type ServiceName } from './service-catalog.js';
export { freePort, freePorts, onFreePort } from './free-port.js';
export { type ClusterStatus } from './cluster-status.js';
export { isRunning, procStat } from './processes.js';
export { workspaceRoot } from './workspace-root.js';
export { demoCatalog } from './demo-catalog.js';
export { seedDemoCatalog, seedDemoCatalogIfEmpty } from './demo-seed.js';
export { ensureWebBuild } from './web-build.js';
export {
  createShopClient,
  type ChatReply,
  type ShopClient,
  type ShopClientOptions,
  type ShopReply,
  type ShopUrls,
} from './shop-client.js';
export { targetOptions, targetUrls } from './bench-target.js';
export { runCheckoutLoad } from './checkout-load.js';
