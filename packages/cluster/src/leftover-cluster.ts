import { readClusterStatus, removeClusterStatus } from './cluster-status.js';
import { stopEmbeddedPostgres } from './embedded-postgres.js';
import { runsCommand, stopProcess } from './processes.js';

/**
 * A launcher that was killed (kill -9, a crashed terminal) could not stop its children: its services keep their ports
 * and PostgreSQL its data folder. The next start, holding the lock (so no launcher uses them), stops what the last one
 * left and says so.
 */
export async function stopLeftoverCluster(dataDirectory: string, postgresDataDirectory: string) {
  const status = readClusterStatus(dataDirectory);
  const services = Object.entries(status?.servicePids ?? {}).filter(([name, pid]) =>
    runsCommand(pid, `services/${name}/`),
  );
  if (services.length > 0) {
    console.log(
      `Stopping the services a killed launcher left running (${services.map(([name]) => name).join(', ')})...`,
    );
    await Promise.all(services.map(([, pid]) => stopProcess(pid, 'SIGTERM')));
  }
  if (await stopEmbeddedPostgres(postgresDataDirectory))
    console.log('Stopped the PostgreSQL a killed launcher left running.');
  removeClusterStatus(dataDirectory);
}
