import { fileURLToPath } from 'node:url';
import type { BatchReport, ConnectArgs, ReconnectArgs, ReconnectReport } from '../clients/client-main.js';
import type { ClientProtocol } from '../clients/bench-connection.interface.js';
import type { DeliveryReport } from '../clients/delivery-counter.js';
import { spawnNode } from './child-process.js';
import { ChildPeer } from './ipc.js';
import { LogHistogram } from './log-histogram.js';

const CLIENT_MAIN = fileURLToPath(new URL('../clients/client-main.js', import.meta.url));

/** CPU the load generators are pinned to. */
export const CLIENT_CPU = 1;
/** Sockets per client process, under the 20000 open-files limit with room to spare. */
export const MAX_SOCKETS_PER_CLIENT = 10_000;
/** Handshakes in flight per client process; with two processes, below Node's accept backlog of 511. */
export const CONNECT_CONCURRENCY = 200;

/** All client processes' reports of one measurement, merged. */
export interface MergedDeliveries {
  expected: number;
  received: number;
  firstArrival: number;
  lastArrival: number;
  latency: LogHistogram | null;
}

/** The load generators: fresh processes, each holding a share of the sockets. */
export class ClientPool {
  /** Sockets open and joined in each process. */
  private readonly counts: number[];
  /** Global index of the next socket (indices are never reused, even after a failed connect). */
  private nextIndex = 0;

  private constructor(private readonly peers: ChildPeer[]) {
    this.counts = peers.map(() => 0);
  }

  /**
   * Enough processes for `maxSockets`; they boot while the server does, and learn its URL on `grow`.
   * Pinned to `cpu` (default `CLIENT_CPU`), or left to the scheduler with null.
   */
  static async start(protocol: ClientProtocol, maxSockets: number, cpu: number | null = CLIENT_CPU): Promise<ClientPool> {
    const processes = Math.max(1, Math.ceil(maxSockets / MAX_SOCKETS_PER_CLIENT));
    const peers = Array.from(
      { length: processes },
      (_, i) => new ChildPeer(`client ${i}`, spawnNode(CLIENT_MAIN, [protocol], { cpu: cpu ?? undefined })),
    );
    const booted = await Promise.allSettled(peers.map((peer) => peer.ready));
    const failure = booted.find((outcome) => outcome.status === 'rejected');
    if (failure) {
      await Promise.all(peers.map((peer) => peer.stop()));
      throw (failure as PromiseRejectedResult).reason;
    }
    return new ClientPool(peers);
  }

  get size(): number {
    return this.counts.reduce((sum, count) => sum + count, 0);
  }

  /** Opens sockets until there are `total`, each joining `topic`; split evenly over the processes. */
  async grow(baseUrl: string, total: number, topic: string, heartbeatMs?: number): Promise<BatchReport> {
    let missing = total - this.size;
    const shares = this.peers.map((_, i) => {
      const count = Math.floor(missing / (this.peers.length - i));
      missing -= count;
      const args: ConnectArgs = { baseUrl, count, firstIndex: this.nextIndex, topic, concurrency: CONNECT_CONCURRENCY, heartbeatMs };
      this.nextIndex += count;
      return args;
    });
    const reports = await Promise.all(
      this.peers.map((peer, i) => peer.request<BatchReport>('connect', shares[i], 600_000)),
    );
    reports.forEach((report, i) => (this.counts[i]! += report.succeeded));
    return mergeBatches(reports);
  }

  /** Every socket joins its own topic `prefix<global index>`. */
  async joinOwn(prefix: string): Promise<BatchReport> {
    const reports = await Promise.all(
      this.peers.map((peer) => peer.request<BatchReport>('joinOwn', { prefix, concurrency: CONNECT_CONCURRENCY }, 600_000)),
    );
    return mergeBatches(reports);
  }

  /** Whether the sockets note the position of every history broadcast they receive (for `reconnect` with `since`). */
  async keepPositions(on: boolean): Promise<void> {
    await Promise.all(this.peers.map((peer) => peer.request('keepPositions', { on })));
  }

  /** Closes every socket at once; `reconnect` opens them again (the pool's size does not change). */
  async disconnectAll(): Promise<number> {
    return sum(await Promise.all(this.peers.map((peer) => peer.request<number>('disconnectAll'))));
  }

  /**
   * Every socket opens again (from its own source address) and rejoins `topic`, all processes at
   * once, `CONNECT_CONCURRENCY` handshakes in flight each, as `grow` does: with `since`, each from
   * its last position, expecting `expectedPerSocket` broadcasts replayed. The reports of the processes;
   * a socket that failed to reconnect stays counted (the caller gives up on the pool).
   */
  async reconnect(baseUrl: string, topic: string, since: boolean, expectedPerSocket: number, timeoutMs: number): Promise<ReconnectReport[]> {
    const args: ReconnectArgs = { baseUrl, topic, since, expectedPerSocket, concurrency: CONNECT_CONCURRENCY, timeoutMs };
    return Promise.all(this.peers.map((peer) => peer.request<ReconnectReport>('reconnect', args, timeoutMs + 600_000)));
  }

  /** Every socket is to receive `perSocket` broadcasts from now on. */
  async arm(perSocket: number, latency: boolean): Promise<void> {
    await Promise.all(this.peers.map((peer, i) => peer.request('arm', { expected: perSocket * this.counts[i]!, latency })));
  }

  async done(timeoutMs: number): Promise<MergedDeliveries> {
    const reports = await Promise.all(
      this.peers.map((peer) => peer.request<DeliveryReport>('done', { timeoutMs }, timeoutMs + 30_000)),
    );
    const latency = reports.some((report) => report.latency) ? new LogHistogram() : null;
    for (const report of reports) if (report.latency) latency!.merge(report.latency);
    const arrivals = reports.filter((report) => report.received > 0);
    return {
      expected: sum(reports.map((report) => report.expected)),
      received: sum(reports.map((report) => report.received)),
      firstArrival: Math.min(...arrivals.map((report) => report.firstArrival)),
      lastArrival: Math.max(...reports.map((report) => report.lastArrival)),
      latency,
    };
  }

  /**
   * How many broadcasts each socket has received since it opened, as `{ count: sockets }`: one
   * socket with a copy too many and one with none add up to the right total, this tells them apart.
   */
  async broadcastsPerSocket(): Promise<Record<number, number>> {
    const tallies = await Promise.all(this.peers.map((peer) => peer.request<Record<number, number>>('broadcastsPerSocket')));
    const merged: Record<number, number> = {};
    for (const tally of tallies) {
      for (const [count, sockets] of Object.entries(tally)) merged[Number(count)] = (merged[Number(count)] ?? 0) + sockets;
    }
    return merged;
  }

  /** Bytes read by every socket since it opened (Phoenix clients). */
  async bytesRead(): Promise<number> {
    return sum(await Promise.all(this.peers.map((peer) => peer.request<number>('bytesRead'))));
  }

  /** Sockets the server has not closed. */
  async openCount(): Promise<number> {
    return sum(await Promise.all(this.peers.map((peer) => peer.request<number>('openCount'))));
  }

  /** Exits the processes; their sockets close with them. */
  async stop(): Promise<void> {
    await Promise.all(this.peers.map((peer) => peer.stop()));
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Processes connect in parallel: the batch took as long as the slowest one. */
function mergeBatches(reports: BatchReport[]): BatchReport {
  return {
    ms: Math.max(...reports.map((report) => report.ms)),
    succeeded: sum(reports.map((report) => report.succeeded)),
    failed: sum(reports.map((report) => report.failed)),
    firstError: reports.find((report) => report.firstError)?.firstError ?? null,
  };
}
