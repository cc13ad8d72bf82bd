import { nowMicros } from '../harness/clock.js';
import { serveCommands } from '../harness/ipc.js';
import { sourceAddressFor } from '../harness/source-addresses.js';
import type { BenchConnection, ClientProtocol, OpenConnection } from './bench-connection.interface.js';
import { DeliveryCounter } from './delivery-counter.js';
import { PhoenixV2Connection } from './phoenix-v2.connection.js';
import { SocketIoConnection } from './socketio.connection.js';
import { StompConnection } from './stomp.connection.js';

/** How a batch of connects or joins went. */
export interface BatchReport {
  ms: number;
  succeeded: number;
  failed: number;
  firstError: string | null;
}

/** A storm of reconnects (`reconnect`): every socket of the process opened again and rejoined at once. */
export interface ReconnectArgs {
  baseUrl: string;
  topic: string;
  /** Rejoin with `{ since: <the socket's last position> }`, or with `{}`. */
  since: boolean;
  /** Broadcasts each socket must receive after its rejoin (the missed ones with `since`, else 0). */
  expectedPerSocket: number;
  concurrency: number;
  timeoutMs: number;
}

/** How a storm went in one process, on the shared clock (µs). */
export interface ReconnectReport extends BatchReport {
  /** The first reconnect started. */
  started: number;
  /** The last join was acknowledged. */
  joined: number;
  /** The last expected broadcast arrived (0 if none was expected). */
  lastArrival: number;
  expected: number;
  received: number;
  /** Join replies that said `recovered: true`. */
  recovered: number;
  /** Sockets without a position to send as `since` (they rejoined without it). */
  withoutPosition: number;
}

export interface ConnectArgs {
  baseUrl: string;
  count: number;
  firstIndex: number;
  topic: string;
  concurrency: number;
  heartbeatMs?: number;
}

const OPENERS: Record<ClientProtocol, OpenConnection> = {
  'phoenix-v2': (url, address, counter) => PhoenixV2Connection.open(url, address, counter),
  'phoenix-v2-deflate': (url, address, counter) => PhoenixV2Connection.open(url, address, counter, true),
  socketio: (url, address, counter) => SocketIoConnection.open(url, address, counter),
  stomp: (url, address, counter) => StompConnection.open(url, address, counter),
};

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight. */
async function inBatches(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<BatchReport> {
  const started = nowMicros();
  let next = 0;
  let failed = 0;
  let firstError: string | null = null;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        await task(i);
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { ms: (nowMicros() - started) / 1000, succeeded: count - failed, failed, firstError };
}

/**
 * A load-generator process: holds its share of the client sockets (each with a global index),
 * counts what they receive, and reports to the runner.
 */
function main(): void {
  const protocol = process.argv[2] as ClientProtocol;
  const open = OPENERS[protocol];
  if (!open) throw new Error(`unknown client protocol "${protocol}"`);
  const counter = new DeliveryCounter();
  const connections: Array<{ index: number; connection: BenchConnection }> = [];

  const reconnect = async (args: ReconnectArgs): Promise<ReconnectReport> => {
    counter.arm(args.expectedPerSocket * connections.length, false);
    let recovered = 0;
    let withoutPosition = 0;
    const started = nowMicros();
    const batch = await inBatches(connections.length, args.concurrency, async (i) => {
      const entry = connections[i]!;
      const since = args.since ? entry.connection.position : null;
      if (args.since && since === null) withoutPosition++;
      entry.connection = await open(args.baseUrl, sourceAddressFor(entry.index), counter);
      const recovery = await entry.connection.join(args.topic, since === null ? {} : { since });
      if (recovery.recovered === true) recovered++;
    });
    const joined = nowMicros();
    const deliveries = await counter.done(args.timeoutMs);
    return { ...batch, started, joined, lastArrival: deliveries.lastArrival, expected: deliveries.expected, received: deliveries.received, recovered, withoutPosition };
  };

  serveCommands(
    {
      /** Opens `count` sockets to `baseUrl` numbered from `firstIndex`, each joining `topic`. */
      connect: (args: ConnectArgs) =>
        inBatches(args.count, args.concurrency, async (i) => {
          const index = args.firstIndex + i;
          const connection = await open(args.baseUrl, sourceAddressFor(index), counter);
          connections.push({ index, connection });
          await connection.join(args.topic);
          if (args.heartbeatMs) connection.startHeartbeat(args.heartbeatMs);
        }),
      /** Every socket also joins its own topic `prefix<index>`. */
      joinOwn: (args: { prefix: string; concurrency: number }) =>
        inBatches(connections.length, args.concurrency, async (i) => {
          await connections[i]!.connection.join(`${args.prefix}${connections[i]!.index}`);
        }),
      arm: (args: { expected: number; latency: boolean }) => counter.arm(args.expected, args.latency),
      /** Whether sockets note the position of every history broadcast (see `DeliveryCounter.keepPositions`). */
      keepPositions: (args: { on: boolean }) => {
        counter.keepPositions = args.on;
      },
      /** Closes every socket at once (abruptly, as a network loss does); `reconnect` opens them again. */
      disconnectAll: () => {
        for (const { connection } of connections) connection.close();
        return connections.length;
      },
      reconnect,
      done: (args: { timeoutMs: number }) => counter.done(args.timeoutMs),
      /** `{ broadcasts received: sockets }` over every socket of this process. */
      broadcastsPerSocket: () => {
        const tally: Record<number, number> = {};
        for (const { connection } of connections) tally[connection.broadcasts] = (tally[connection.broadcasts] ?? 0) + 1;
        return tally;
      },
      /** Bytes read by every socket of this process since it opened. */
      bytesRead: () => connections.reduce((sum, { connection }) => sum + (connection.bytesRead ?? 0), 0),
      /** Sockets still open (the server may close idle ones). */
      openCount: () => connections.filter(({ connection }) => connection.isOpen).length,
    },
    { pid: process.pid },
  );
}

main();
