import { fileURLToPath } from 'node:url';
import { spawnNode } from '../harness/child-process.js';
import { CLIENT_CPU } from '../harness/client-pool.js';
import { ChildPeer } from '../harness/ipc.js';
import { SERVER_CPU } from '../harness/server-process.js';
import { INBOUND_PATH, INBOUND_PROTOCOL, type InboundServerKind } from './inbound-kinds.js';
import type { LoopCounts } from './request-loop.js';

const SERVER_MAIN = fileURLToPath(new URL('./inbound-server-main.js', import.meta.url));
const CLIENT_MAIN = fileURLToPath(new URL('./inbound-client-main.js', import.meta.url));

/** A server of the inbound scenario in a fresh process on the servers' core. */
export class InboundServerProcess {
  private constructor(
    readonly kind: InboundServerKind,
    private readonly peer: ChildPeer,
    readonly port: number,
  ) {}

  static async start(kind: InboundServerKind): Promise<InboundServerProcess> {
    const peer = new ChildPeer(`inbound server ${kind}`, spawnNode(SERVER_MAIN, [kind], { cpu: SERVER_CPU }));
    const { port } = (await peer.ready) as { port: number };
    return new InboundServerProcess(kind, peer, port);
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}${INBOUND_PATH[INBOUND_PROTOCOL[this.kind]]}`;
  }

  /** CPU time used so far, user plus kernel (µs). */
  async cpuMicros(): Promise<number> {
    const { user, system } = await this.peer.request<NodeJS.CpuUsage>('cpu');
    return user + system;
  }

  profileStart(): Promise<void> {
    return this.peer.request('profileStart');
  }

  profileStop(path: string): Promise<string> {
    return this.peer.request('profileStop', { path });
  }

  stop(): Promise<void> {
    return this.peer.stop();
  }
}

/** The clients of one server, in a process of their own on the other core. */
export class InboundClientProcess {
  private constructor(private readonly peer: ChildPeer) {}

  static async connect(server: InboundServerProcess, count: number): Promise<InboundClientProcess> {
    const peer = new ChildPeer('inbound clients', spawnNode(CLIENT_MAIN, [], { cpu: CLIENT_CPU }));
    await peer.ready;
    const clients = new InboundClientProcess(peer);
    await peer.request('connect', { url: server.url, protocol: INBOUND_PROTOCOL[server.kind], count }, 120_000);
    return clients;
  }

  start(depth: number): Promise<void> {
    return this.peer.request('start', { depth });
  }

  mark(): Promise<{ replies: number; at: number }> {
    return this.peer.request('mark');
  }

  stop(timeoutMs: number): Promise<LoopCounts> {
    return this.peer.request('stop', { timeoutMs }, timeoutMs + 10_000);
  }

  async close(): Promise<void> {
    await this.peer.request('close').catch(() => undefined);
    await this.peer.stop();
  }
}
