import { fileURLToPath } from 'node:url';
import type { MassJoinArgs, MassJoinReport } from '../clients/mass-join-main.js';
import { spawnNode } from '../harness/child-process.js';
import { ChildPeer } from '../harness/ipc.js';
import { SERVER_CPU, ServerProcess } from '../harness/server-process.js';

const CLIENT_MAIN = fileURLToPath(new URL('../clients/mass-join-main.js', import.meta.url));

/**
 * Today's Phoenix-style diff per join (`diffWindowMs: 0`), the default diff windows, or those with
 * large-room mode (`LARGE_ROOM`).
 */
export type PresenceMode = 'per-join' | 'coalesced' | 'large-room';
export const PRESENCE_MODES: PresenceMode[] = ['per-join', 'coalesced'];
/** The sizes of `--presence` with full lists unless `--sizes` says otherwise. */
export const MASS_JOIN_SIZES = [1000, 2000, 5000];
/** The size of `--presence` in large-room mode unless `--sizes` says otherwise (then: every size above `LARGE_ROOM.above`). */
export const LARGE_ROOM_SIZES = [19_000];
export const LARGE_ROOM = { above: 1000, listCap: 100 };

export interface MassJoinRun extends Partial<MassJoinReport> {
  n: number;
  mode: PresenceMode;
  /** Server CPU over the run (ms), and the kernel's part of it. */
  serverCpuMs: number | null;
  serverKernelMs: number | null;
  /** Lists not complete by then are reported as never complete (ms). */
  timeoutMs: number;
  /** The run failed before the clients reported. */
  error: string | null;
  /** The server failed after the clients reported (its CPU is then unknown): per-join at 5k runs out of heap. */
  serverError?: string;
}

export interface MassJoinOptions {
  spreadMs: number;
  timeoutMs: number;
  heartbeatMs: number;
}

export const MASS_JOIN_DEFAULTS: MassJoinOptions = { spreadMs: 1000, timeoutMs: 120_000, heartbeatMs: 100 };

/**
 * N users join one fresh room within about a second (the sample app's way: tracked, then the list
 * pushed), each client keeping its list from `presence_state`/`presence_diff`, while a client in
 * another room heartbeats. Each mode on a fresh server process pinned to one core, the clients on
 * the other; the order of the modes alternates from size to size.
 */
export async function runMassJoin(
  sizes: number[],
  largeSizes: number[],
  log: (line: string) => void,
  options: MassJoinOptions = MASS_JOIN_DEFAULTS,
): Promise<MassJoinRun[]> {
  const runs: MassJoinRun[] = [];
  const plan: Array<[number, PresenceMode]> = sizes.flatMap((n, index) => (index % 2 === 0 ? PRESENCE_MODES : [...PRESENCE_MODES].reverse()).map((mode) => [n, mode] as [number, PresenceMode]));
  for (const n of largeSizes) plan.push([n, 'large-room']);
  for (const [n, mode] of plan) {
    log(`presence mass join: N = ${n}, ${mode}`);
    const run = await runOne(n, mode, options);
    log(`  ${run.error ?? `lists complete in ${run.completeMs == null ? 'never' : `${Math.round(run.completeMs)} ms`}, ${run.diffFrames ?? 0} diff frames, client CPU ${Math.round(run.clientCpuMs ?? 0)} ms, last join reply at ${Math.round(run.lastJoinReplyAtMs ?? 0)} ms, last state at ${Math.round(run.lastStateAtMs ?? 0)} ms, server CPU ${Math.round(run.serverCpuMs ?? 0)} ms, ${run.framesParsed} frames parsed, ${run.listForks} lists forked`}`);
    runs.push(run);
  }
  return runs;
}

/** How long a server flooded by a diff per join may take to tell its CPU time. */
const SERVER_ANSWER_MS = 20_000;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function presenceOptions(mode: PresenceMode) {
  if (mode === 'per-join') return { presence: { diffWindowMs: 0 } };
  if (mode === 'large-room') return { presence: { largeRoom: LARGE_ROOM } };
  return {};
}

/** The members' process heap (MB): room for N x N list entries at N = 5,000. */
const MEMBERS_HEAP_MB = 12_288;

async function runOne(n: number, mode: PresenceMode, options: MassJoinOptions): Promise<MassJoinRun> {
  const run: MassJoinRun = { n, mode, serverCpuMs: null, serverKernelMs: null, timeoutMs: options.timeoutMs, error: null };
  const server = await ServerProcess.start('nestjs-channels', presenceOptions(mode));
  // The probe in a process of its own beside the members: their JSON parsing never delays its
  // round trips by more than a scheduler slice. (At idle priority the members would starve
  // whenever anything else runs on a shared machine.)
  // In per-join mode every member's list is its own (each got another state): at 5k that is 25 M
  // entries in this one process, past Node's default heap (it aborted there).
  const clients = new ChildPeer('mass-join clients', spawnNode(CLIENT_MAIN, [], { cpu: 1 - SERVER_CPU, nodeFlags: [`--max-old-space-size=${MEMBERS_HEAP_MB}`] }));
  const prober = new ChildPeer('mass-join probe', spawnNode(CLIENT_MAIN, [], { cpu: 1 - SERVER_CPU }));
  try {
    await Promise.all([clients.ready, prober.ready]);
    const before = await server.cpu();
    const args: MassJoinArgs = { baseUrl: server.baseUrl, n, ...options, ...(mode === 'large-room' ? { listCap: LARGE_ROOM.listCap } : {}) };
    await prober.request('startProbe', { baseUrl: server.baseUrl, heartbeatMs: options.heartbeatMs });
    const report = await clients.request<MassJoinReport>('massJoin', args, options.timeoutMs + 120_000);
    const probe = await prober.request<{ maxMs: number; count: number }>('stopProbe');
    Object.assign(run, report, { idleHeartbeatMaxMs: probe.maxMs, idleHeartbeats: probe.count });
    // Before the members leave: their leaves are not the join's cost.
    try {
      const after = await server.cpu(SERVER_ANSWER_MS);
      run.serverCpuMs = (after.user - before.user + after.system - before.system) / 1000;
      run.serverKernelMs = (after.system - before.system) / 1000;
    } catch (error) {
      run.serverError = message(error);
    }
    await clients.request('leave');
  } catch (error) {
    run.error = message(error);
  } finally {
    await clients.stop();
    await prober.stop();
    await server.stop();
  }
  return run;
}
