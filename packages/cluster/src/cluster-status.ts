import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isRunning } from './processes.js';
import type { ServiceName } from './service-catalog.js';

/** What a running `pnpm start` tells local tools (the benchmarks) about itself, in `.data/cluster.json`. */
export interface ClusterStatus {
  /** The launcher's process id; the cluster's processes are its descendants. */
  pid: number;
  ports: Record<ServiceName, number>;
  /** Each service's process id: a later start stops them if this launcher was killed without stopping them. */
  servicePids?: Partial<Record<ServiceName, number>>;
  /** The embedded PostgreSQL's port; absent when the cluster uses DATABASE_URL. */
  postgresPort?: number;
  /** When every service answered /ready, in milliseconds since the epoch. */
  readyAt: number;
}

/** Where `pnpm start` keeps its state (PostgreSQL's data, the status file, the lock): `.data`, or CLUSTER_DATA_DIR. */
export function clusterDataDirectory(root: string, environment: Record<string, string | undefined> = process.env) {
  return environment.CLUSTER_DATA_DIR ? resolve(root, environment.CLUSTER_DATA_DIR) : join(root, '.data');
}

const clusterStatusPath = (dataDirectory: string) => join(dataDirectory, 'cluster.json');

export function writeClusterStatus(dataDirectory: string, status: ClusterStatus) {
  writeFileSync(clusterStatusPath(dataDirectory), `${JSON.stringify(status, null, 2)}\n`);
}

export function removeClusterStatus(dataDirectory: string) {
  rmSync(clusterStatusPath(dataDirectory), { force: true });
}

/** The status the last launcher using this data folder wrote, whether or not it still runs. */
export function readClusterStatus(dataDirectory: string): ClusterStatus | undefined {
  try {
    return JSON.parse(readFileSync(clusterStatusPath(dataDirectory), 'utf8')) as ClusterStatus;
  } catch {
    return undefined;
  }
}

/** The running cluster's status, or undefined when none was started from this folder. */
export function runningClusterStatus(dataDirectory: string): ClusterStatus | undefined {
  const status = readClusterStatus(dataDirectory);
  return status && isRunning(status.pid) ? status : undefined;
}
