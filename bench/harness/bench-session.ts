import type { ClientProtocol } from '../clients/bench-connection.interface.js';
import type { ServerKind } from '../servers/bench-server.interface.js';
import { ClientPool } from './client-pool.js';
import { ServerProcess, type ServerProcessOptions } from './server-process.js';

/** A fresh server process and fresh client processes, together. */
export interface BenchSession {
  server: ServerProcess;
  clients: ClientPool;
}

/**
 * Boots the server and the client processes in parallel, runs `body`, and stops every process
 * whatever happens (in parallel too: a pass should not pay for teardown twice).
 */
export async function withSession<T>(
  kind: ServerKind,
  serverOptions: ServerProcessOptions,
  protocol: ClientProtocol,
  maxSockets: number,
  body: (session: BenchSession) => Promise<T>,
): Promise<T> {
  const [server, clients] = await Promise.allSettled([
    ServerProcess.start(kind, serverOptions),
    ClientPool.start(protocol, maxSockets),
  ]);
  try {
    if (server.status === 'rejected') throw server.reason;
    if (clients.status === 'rejected') throw clients.reason;
    return await body({ server: server.value, clients: clients.value });
  } finally {
    await Promise.all([
      server.status === 'fulfilled' ? server.value.stop() : undefined,
      clients.status === 'fulfilled' ? clients.value.stop() : undefined,
    ]);
  }
}

/** Client processes to start with `withNodes`: a pool per group of sockets. */
export interface PoolSpec {
  protocol: ClientProtocol;
  maxSockets: number;
  /** CPU to pin the pool's processes to; default `CLIENT_CPU`, null: unpinned. */
  cpu?: number | null;
}

/**
 * Several server processes of one kind (the nodes of a cluster, each with its own options and
 * CPU) and several client pools, booted in parallel; every process is stopped whatever happens.
 * `body` may stop a pool itself (`ClientPool.stop` is idempotent).
 */
export async function withNodes<T>(
  kind: ServerKind,
  nodes: ServerProcessOptions[],
  pools: PoolSpec[],
  body: (servers: ServerProcess[], clients: ClientPool[]) => Promise<T>,
): Promise<T> {
  const booting = nodes.map((options) => ServerProcess.start(kind, options));
  const clientsBooting = pools.map((pool) => ClientPool.start(pool.protocol, pool.maxSockets, pool.cpu));
  const [servers, clients] = await Promise.all([Promise.allSettled(booting), Promise.allSettled(clientsBooting)]);
  try {
    const failed = [...servers, ...clients].find((outcome) => outcome.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return await body(
      servers.map((outcome) => (outcome as PromiseFulfilledResult<ServerProcess>).value),
      clients.map((outcome) => (outcome as PromiseFulfilledResult<ClientPool>).value),
    );
  } finally {
    await Promise.all([
      ...servers.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.stop() : undefined)),
      ...clients.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.stop() : undefined)),
    ]);
  }
}
