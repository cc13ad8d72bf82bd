import { fileURLToPath } from 'node:url';
import type { ChannelsModuleOptions } from '../../lib/index.js';
import { SERVER_CPU } from '../harness/server-process.js';
import { spawnNode } from '../harness/child-process.js';
import { ChildPeer } from '../harness/ipc.js';
import type { GcPauses } from './gc-pauses.js';

const SERVER_MAIN = fileURLToPath(new URL('./hardening-server.js', import.meta.url));
const RAW_SERVER_MAIN = fileURLToPath(new URL('./raw-soak-server.js', import.meta.url));

/** What `hardening-server.ts` reports about itself, after a full GC. */
export interface ServerSnapshot {
  rss: number;
  heapUsed: number;
  /** V8's reserved heap, and the size of each of its spaces (new space grows under allocation pressure). */
  heapTotal: number;
  external: number;
  /** Anonymous memory in the RSS (Linux), i.e. without file-backed pages such as the node binary's code. */
  anonymous: number;
  spaces: Record<string, number>;
  connections: number;
  topics: number;
  presences: number;
  resources: Record<string, number>;
  polluted: unknown;
  prototypeKeys: string[];
}

/** The soak server in its own process, pinned like the bench's servers. */
export class SoakServer {
  private constructor(
    private readonly peer: ChildPeer,
    readonly port: number,
  ) {}

  /** `nodeFlags` are added to node's command line (`--expose-gc` always is). */
  static async start(options: ChannelsModuleOptions = {}, nodeFlags: string[] = []): Promise<SoakServer> {
    return SoakServer.spawn('hardening server', SERVER_MAIN, [JSON.stringify(options)], nodeFlags);
  }

  /** The bare `ws` baseline of the malformed-frame soak (raw-soak-server.ts): snapshots and GC pauses only. */
  static startRawWs(nodeFlags: string[] = []): Promise<SoakServer> {
    return SoakServer.spawn('raw ws soak server', RAW_SERVER_MAIN, [], nodeFlags);
  }

  private static async spawn(name: string, script: string, args: string[], nodeFlags: string[]): Promise<SoakServer> {
    const child = spawnNode(script, args, { cpu: SERVER_CPU, nodeFlags: ['--expose-gc', ...nodeFlags] });
    const peer = new ChildPeer(name, child);
    const { port } = (await peer.ready) as { port: number };
    return new SoakServer(peer, port);
  }

  get websocketUrl(): string {
    return `ws://127.0.0.1:${this.port}/socket/websocket?vsn=2.0.0`;
  }

  snapshot(presenceTopics: string[] = []): Promise<ServerSnapshot> {
    return this.peer.request('snapshot', { topics: presenceTopics });
  }

  /** The server's GC pauses since the previous call. */
  gcPauses(): Promise<GcPauses> {
    return this.peer.request('gcPauses');
  }

  connections(): Promise<number> {
    return this.peer.request('connections');
  }

  /** Broadcasts `{at, pad}` on `topic` at a steady pace from inside the server. */
  paced(args: { topic: string; perTick: number; tickMs: number; durationMs: number; bytes: number }): Promise<{ sent: number; peakRss: number }> {
    return this.peer.request('paced', args, args.durationMs + 30_000);
  }

  stop(): Promise<void> {
    return this.peer.stop();
  }
}

export const MB = 1024 * 1024;

export function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}
