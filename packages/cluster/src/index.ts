export { rolePasswords } from './dev-environment.js';
export { startEmbeddedPostgres, type EmbeddedPostgresSettings } from './embedded-postgres.js';
export { launchServices, spawnService, stopServices, waitUntilReady, type RunningService } from './launch.js';
export { ensureServiceRoles, ensureServiceSchemas, serviceDatabaseUrls } from './provision.js';
export { roleName, serviceCatalog, serviceUrlVariable, type ServiceName } from './service-catalog.js';
export { workspaceRoot } from './workspace-root.js';
export { demoCatalog } from './demo-catalog.js';
export { seedDemoCatalog, seedDemoCatalogIfEmpty } from './demo-seed.js';
export { ensureWebBuild } from './web-build.js';
