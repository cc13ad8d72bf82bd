import WebSocket from 'ws';
import { serveCommands } from '../harness/ipc.js';
import { IDLE_TOPIC, MASS_JOIN_TOPIC } from '../harness/payload.js';
import { sourceAddressFor } from '../harness/source-addresses.js';
import { type PresenceList, PresenceLists } from './presence-list.js';
import { SharedFrames } from './shared-frames.js';

/** One mass join, as the runner asks for it. */
export interface MassJoinArgs {
  /** `ws://127.0.0.1:port`. */
  baseUrl: string;
  /** Members joining the room. */
  n: number;
  /** The joins are sent evenly over this long (ms). */
  spreadMs: number;
  /** Give up on complete lists after this long (ms). */
  timeoutMs: number;
  /** The idle client's heartbeat period (ms). */
  heartbeatMs: number;
  /**
   * Large-room mode: a member is complete once it lists this many keys and its last
   * `presence_summary` counts all N; without it, once it lists all N.
   */
  listCap?: number;
}

/** What the clients saw. */
export interface MassJoinReport {
  n: number;
  /** From the first join sent until every member listed all N members (ms); null: not within the timeout. */
  completeMs: number | null;
  /** Members whose list was complete at the end. */
  completeLists: number;
  diffFrames: number;
  diffBytes: number;
  stateFrames: number;
  stateBytes: number;
  /** `presence_summary` frames and bytes (large-room mode). */
  summaryFrames: number;
  summaryBytes: number;
  /** Join replies: the slowest (ms), how many came after phoenix.js's 10 s join timeout, how many never came. */
  joinReplyMaxMs: number;
  joinsOver10s: number;
  joinsUnanswered: number;
  /** Heartbeat round trips of a client in another room during the run: the slowest (ms), how many. */
  idleHeartbeatMaxMs: number;
  idleHeartbeats: number;
  /** This process's CPU from the first join to the end (ms): near the wall time, the clients were the bottleneck. */
  clientCpuMs: number;
  /** From the first join: the last join reply, the last state (ms). */
  lastJoinReplyAtMs: number;
  lastStateAtMs: number;
  /** Frames parsed (the others were byte-identical to a recent one), and members whose list left a shared one. */
  framesParsed: number;
  listForks: number;
}

const PHOENIX_JOIN_TIMEOUT_MS = 10_000;

/** A member of the room: its socket, its list, its join's round trip. */
class Member {
  readonly list: PresenceList;
  joinSentAt = 0;
  joinReplyMs: number | null = null;
  /** Keys of the last `presence_summary`. */
  summaryKeys = 0;

  constructor(
    readonly socket: WebSocket,
    lists: PresenceLists,
  ) {
    this.list = lists.list();
  }
}

function open(url: string, index: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url}/socket/websocket?vsn=2.0.0`, { localAddress: sourceAddressFor(index), perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function openAll(url: string, n: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let first = 0; first < n; first += 200) {
    const batch = Array.from({ length: Math.min(200, n - first) }, (_, i) => open(url, first + i));
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

async function massJoin(args: MassJoinArgs): Promise<MassJoinReport> {
  const report: MassJoinReport = {
    n: args.n,
    completeMs: null,
    completeLists: 0,
    diffFrames: 0,
    diffBytes: 0,
    stateFrames: 0,
    stateBytes: 0,
    summaryFrames: 0,
    summaryBytes: 0,
    joinReplyMaxMs: 0,
    joinsOver10s: 0,
    joinsUnanswered: 0,
    idleHeartbeatMaxMs: 0,
    idleHeartbeats: 0,
    clientCpuMs: 0,
    lastJoinReplyAtMs: 0,
    lastStateAtMs: 0,
    framesParsed: 0,
    listForks: 0,
  };
  // The probe's figures are filled in by the runner.
  const lists = new PresenceLists();
  const members = (await openAll(args.baseUrl, args.n)).map((socket) => new Member(socket, lists));

  const listed = args.listCap === undefined ? args.n : Math.min(args.n, args.listCap);
  const isComplete = (member: Member) => member.list.size === listed && (args.listCap === undefined || member.summaryKeys === args.n);
  let complete = 0;
  let started = 0;
  let ended = false;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = () => ((ended = true), resolve())));
  const frames = new SharedFrames();
  for (const member of members) {
    member.socket.on('message', (data: Buffer) => {
      if (ended) return;
      // Checked here too: a process flooded with frames runs its timers late.
      if (performance.now() - started > args.timeoutMs) return done();
      const [, ref, , event, payload] = frames.parse(data) as [string | null, string | null, string, string, any];
      const wasComplete = isComplete(member);
      if (event === 'phx_reply' && ref === '1') {
        member.joinReplyMs = performance.now() - member.joinSentAt;
        report.lastJoinReplyAtMs = performance.now() - started;
      } else if (event === 'presence_state') {
        report.lastStateAtMs = performance.now() - started;
        report.stateFrames++;
        report.stateBytes += data.length;
        member.list.applyState(payload);
      } else if (event === 'presence_diff') {
        report.diffFrames++;
        report.diffBytes += data.length;
        member.list.applyDiff(payload);
      } else if (event === 'presence_summary') {
        report.summaryFrames++;
        report.summaryBytes += data.length;
        member.summaryKeys = payload.keys;
      }
      const nowComplete = isComplete(member);
      if (nowComplete !== wasComplete) complete += nowComplete ? 1 : -1;
      if (complete === args.n && report.completeMs === null) {
        report.completeMs = performance.now() - started;
        done();
      }
    });
  }

  started = performance.now();
  const cpuBefore = process.cpuUsage();
  members.forEach((member, index) => {
    setTimeout(() => {
      member.joinSentAt = performance.now();
      member.socket.send(JSON.stringify(['1', '1', MASS_JOIN_TOPIC, 'phx_join', {}]));
    }, (index * args.spreadMs) / args.n);
  });
  const timer = setTimeout(done, args.timeoutMs);
  await finished;
  clearTimeout(timer);
  const cpu = process.cpuUsage(cpuBefore);
  report.clientCpuMs = (cpu.user + cpu.system) / 1000;
  report.framesParsed = frames.parsed;
  report.listForks = lists.forks;

  report.completeLists = complete;
  for (const member of members) {
    if (member.joinReplyMs === null) report.joinsUnanswered++;
    else {
      report.joinReplyMaxMs = Math.max(report.joinReplyMaxMs, member.joinReplyMs);
      if (member.joinReplyMs > PHOENIX_JOIN_TIMEOUT_MS) report.joinsOver10s++;
    }
  }
  // Left open until `leave`: the runner reads the server's CPU first, without the leaves (a diff
  // per leave to every member in per-join mode).
  joined = members.map((member) => member.socket);
  return report;
}

/**
 * The idle client in another room, in a process of its own so that the members' JSON parsing does
 * not hold its replies: heartbeats one at a time, every `heartbeatMs`, until `stopProbe`.
 */
class Probe {
  maxMs = 0;
  count = 0;
  private sentAt = 0;
  private ref = 0;
  private running = true;

  constructor(
    private readonly socket: WebSocket,
    private readonly heartbeatMs: number,
  ) {
    socket.on('message', (data: Buffer) => {
      const [, ref, topic] = JSON.parse(data.toString()) as [unknown, string | null, string];
      if (topic !== 'phoenix' || ref !== `h${this.ref}`) return;
      this.maxMs = Math.max(this.maxMs, performance.now() - this.sentAt);
      this.count++;
      setTimeout(() => this.beat(), this.heartbeatMs);
    });
    socket.send(JSON.stringify(['1', '1', IDLE_TOPIC, 'phx_join', {}]));
    this.beat();
  }

  private beat(): void {
    if (!this.running) return;
    this.sentAt = performance.now();
    this.socket.send(JSON.stringify([null, `h${++this.ref}`, 'phoenix', 'heartbeat', {}]));
  }

  stop(): { maxMs: number; count: number } {
    this.running = false;
    this.socket.terminate();
    return { maxMs: this.maxMs, count: this.count };
  }
}

let probe: Probe | null = null;
/** The members' sockets after `massJoin`, until `leave`. */
let joined: WebSocket[] = [];

serveCommands(
  {
    massJoin,
    startProbe: async ({ baseUrl, heartbeatMs }: { baseUrl: string; heartbeatMs: number }) => {
      const [socket] = await openAll(baseUrl, 1);
      probe = new Probe(socket!, heartbeatMs);
    },
    stopProbe: () => probe?.stop() ?? { maxMs: 0, count: 0 },
    leave: () => {
      for (const socket of joined) socket.terminate();
      joined = [];
    },
  },
  {},
);
