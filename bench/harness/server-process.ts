import { fileURLToPath } from 'node:url';
import type { HistoryStore, ServerKind, ServerOptions } from '../servers/bench-server.interface.js';
import type { SendWindow } from '../servers/broadcast-driver.js';
import type { MemorySample, SettledMemorySample } from '../servers/server-main.js';
import { spawnNode } from './child-process.js';
import { ChildPeer } from './ipc.js';

const SERVER_MAIN = fileURLToPath(new URL('../servers/server-main.js', import.meta.url));

/** CPU the servers are pinned to; the clients get the other one. */
export const SERVER_CPU = 0;

export interface ServerProcessOptions extends ServerOptions {
  /** Extra node flags, e.g. `--cpu-prof` for the profiling run. */
  nodeFlags?: string[];
  /** CPU to pin this server to; default `SERVER_CPU` (the two-node scenarios place each node); null: unpinned. */
  cpu?: number | null;
}

/** A server under test in its own fresh process, driven over IPC. */
export class ServerProcess {
  private constructor(
    readonly kind: ServerKind,
    private readonly peer: ChildPeer,
    readonly port: number,
  ) {}

  static async start(kind: ServerKind, options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const { nodeFlags = [], cpu = SERVER_CPU, ...serverOptions } = options;
    const child = spawnNode(SERVER_MAIN, [kind, JSON.stringify(serverOptions)], {
      cpu: cpu ?? undefined,
      nodeFlags: ['--expose-gc', ...nodeFlags],
    });
    const peer = new ChildPeer(`server ${kind}`, child);
    const { port } = (await peer.ready) as { port: number };
    return new ServerProcess(kind, peer, port);
  }

  get baseUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  memory(): Promise<MemorySample> {
    return this.peer.request('memory');
  }

  /**
   * Memory after GC once V8 has shrunk its young generation back after a burst of allocation
   * (up to `timeoutMs`; see `young-generation.ts`): comparable between processes and moments.
   */
  settledMemory(timeoutMs = 12_000): Promise<SettledMemorySample> {
    return this.peer.request('settledMemory', { timeoutMs }, timeoutMs + 30_000);
  }

  /** Writes a V8 heap snapshot (after a full GC) to `path`; returns `path`. */
  heapSnapshot(path: string): Promise<string> {
    return this.peer.request('heapSnapshot', { path }, 300_000);
  }

  /** CPU time used so far (µs), user and kernel. */
  cpu(timeoutMs?: number): Promise<NodeJS.CpuUsage> {
    return this.peer.request('cpu', {}, timeoutMs);
  }

  burst(topic: string, turns: number, perTurn: number, timeoutMs: number): Promise<SendWindow> {
    return this.peer.request('burst', { topic, turns, perTurn }, timeoutMs);
  }

  paced(topic: string, count: number, intervalMs: number, timeoutMs: number): Promise<SendWindow> {
    return this.peer.request('paced', { topic, count, intervalMs }, timeoutMs);
  }

  eachTopic(prefix: string, first: number, count: number, rounds: number, timeoutMs: number): Promise<SendWindow> {
    return this.peer.request('eachTopic', { prefix, first, count, rounds }, timeoutMs);
  }

  messageBytes(topic: string): Promise<number> {
    return this.peer.request('messageBytes', { topic });
  }

  /** Presences listed on `topic` by this node's `Presence` (metas, every node's): nestjs-channels only. */
  presenceCount(topic: string): Promise<number> {
    return this.peer.request('presenceCount', { topic });
  }

  /** Open client connections on this node (nestjs-channels). */
  connectionCount(): Promise<number> {
    return this.peer.request('connectionCount');
  }

  /** Keeps this node subscribed to `topic` in its PubSub, with no client joined (nestjs-channels). */
  keepSubscribed(topic: string): Promise<void> {
    return this.peer.request('keepSubscribed', { topic });
  }

  /** Broadcasts on `topic` this node's `keepSubscribed` handler has heard so far. */
  heard(topic: string): Promise<number> {
    return this.peer.request('heard', { topic });
  }

  /** Where this node keeps `bench:*`'s history (nestjs-channels). */
  historyStore(): Promise<HistoryStore> {
    return this.peer.request('historyStore');
  }

  /** Starts the V8 CPU profiler in the server (see `CpuProfiler`). */
  profileStart(): Promise<void> {
    return this.peer.request('profileStart');
  }

  /** Stops it and writes the `.cpuprofile` to `path`. */
  profileStop(path: string): Promise<string> {
    return this.peer.request('profileStop', { path });
  }

  /** Exits the process without closing its sockets one by one: the kernel does that at once. */
  stop(): Promise<void> {
    return this.peer.stop();
  }
}
