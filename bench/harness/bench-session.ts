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
