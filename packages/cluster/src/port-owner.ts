import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';

const listenState = '0A';

/** The inodes of the TCP sockets (IPv4 or IPv6) listening on `port`, read from /proc/net. */
async function listeningSockets(port: number) {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      // sl, local address (hex ADDRESS:PORT), remote address, state, queues, timer, retransmits, uid, timeout, inode
      const fields = line.trim().split(/\s+/);
      const localPort = Number.parseInt(fields[1]?.split(':')[1] ?? '', 16);
      if (fields[3] === listenState && localPort === port) inodes.add(fields[9]!);
    }
  }
  return inodes;
}

/**
 * Whether another process than `pid` listens on `port`. A port picked free by one process can be taken by another
 * before the service it was meant for listens on it: that service then fails, and whatever took the port answers in
 * its name. Read from /proc (Linux): false where /proc shows no listener on the port at all (no /proc, or one that
 * lists no sockets, as WSL 1's), since then nothing can be told.
 */
export async function anotherProcessListensOn(pid: number, port: number) {
  if (!existsSync('/proc/net/tcp')) return false;
  const sockets = await listeningSockets(port);
  if (sockets.size === 0) return false;
  const descriptors = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  for (const descriptor of descriptors) {
    const target = await readlink(`/proc/${pid}/fd/${descriptor}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode && sockets.has(inode)) return false;
  }
  return true;
}
