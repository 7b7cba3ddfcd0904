import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceName } from './service-catalog.js';

/** What a running `pnpm start` tells local tools (the benchmarks) about itself, in `.data/cluster.json`. */
export interface ClusterStatus {
  /** The launcher's process id; the cluster's processes are its descendants. */
  pid: number;
  ports: Record<ServiceName, number>;
  /** The embedded PostgreSQL's port; absent when the cluster uses DATABASE_URL. */
  postgresPort?: number;
  /** When every service answered /ready, in milliseconds since the epoch. */
  readyAt: number;
}

const clusterStatusPath = (root: string) => join(root, '.data', 'cluster.json');

export function writeClusterStatus(root: string, status: ClusterStatus) {
  writeFileSync(clusterStatusPath(root), `${JSON.stringify(status, null, 2)}\n`);
}

export function removeClusterStatus(root: string) {
  rmSync(clusterStatusPath(root), { force: true });
}

/** The running cluster's status, or undefined when none was started from this folder. */
export function readClusterStatus(root: string): ClusterStatus | undefined {
  try {
    const status = JSON.parse(readFileSync(clusterStatusPath(root), 'utf8')) as ClusterStatus;
    process.kill(status.pid, 0);
    return status;
  } catch {
    return undefined;
  }
}
