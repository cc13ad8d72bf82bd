import { fileURLToPath } from 'node:url';
import { CloseCode } from '../../lib/index.js';
import { spawnNode } from '../harness/child-process.js';
import { CLIENT_CPU } from '../harness/client-pool.js';
import { ChildPeer } from '../harness/ipc.js';
import { Chatters } from './chatters.js';
import type { FloodPlan, FloodTally } from './garbage-flood.js';
import { mb, MB, SoakServer, type ServerSnapshot } from './soak-server.js';
import type { SoakReport } from './soak-report.js';

const FLOOD_MAIN = fileURLToPath(new URL('./garbage-flood-main.js', import.meta.url));
const TOTAL_FRAMES = 100_000;
const CONNECTIONS = 100;
const CHATTERS = 10;
const CLEAN_PHASE_MS = 8000;
/** The garbage is spread over this long. */
const FLOOD_MS = 30_000;
/**
 * Frames of the same mix sent before the baseline snapshot: the server's first few thousand
 * reconnects grow its RSS once (JIT-compiled code paths, allocator pools) and never again, the
 * same warm-up the resets soak does; its growth is reported on its own line.
 */
const WARM_UP_FRAMES = 5000;

const DOCUMENTED_CODES = new Set<number>(Object.values(CloseCode));

/** What one server did under the flood. */
interface FloodRun {
  tally: FloodTally;
  floodMs: number;
  fresh: ServerSnapshot;
  before: ServerSnapshot;
  after: ServerSnapshot;
  cleanP99: number;
  garbageP99: number;
  cleanCount: number;
  garbageCount: number;
}

/**
 * Item 7: 100,000 malformed frames over 100 connections (a closed connection is replaced) while
 * healthy clients chat. The rate limit is off so that every frame reaches the decoder. The flood
 * runs in a child process of lower priority on the clients' core (see garbage-flood-main.ts).
 * Then the same on a bare `ws` server (raw-soak-server.ts), whose healthy clients' p99 ratio is
 * what this machine allows under that flood.
 */
export async function soakMalformed(report: SoakReport): Promise<void> {
  const channels = await floodServer(await SoakServer.start({ rateLimit: false }));
  describe(report, channels);
  const raw = await floodServer(await SoakServer.startRawWs());
  const ratio = (run: FloodRun) => run.garbageP99 / run.cleanP99;
  report.line(`malformed, raw ws baseline under the same flood: healthy p99 ${raw.cleanP99.toFixed(2)} ms clean vs ` +
    `${raw.garbageP99.toFixed(2)} ms under garbage, ratio ${ratio(raw).toFixed(2)}; ${raw.tally.sent} frames in ${(raw.floodMs / 1000).toFixed(1)} s; ` +
    `RSS ${mb(raw.before.rss)} -> ${mb(raw.after.rss)} after the same warm-up`);
  report.line(`malformed: nestjs-channels' p99 ratio ${ratio(channels).toFixed(2)} against raw ws's ${ratio(raw).toFixed(2)} (${(ratio(channels) / ratio(raw)).toFixed(2)}x)`);
}

async function floodServer(server: SoakServer): Promise<FloodRun> {
  const flooder = await startFlooder();
  const chatters = await Chatters.start(server.websocketUrl, CHATTERS, 20);
  const plan = (total: number, paceMs: number, offset = 0): FloodPlan => ({ url: server.websocketUrl, total, connections: CONNECTIONS, paceMs, offset });
  try {
    chatters.enter('warm-up');
    const fresh = await server.snapshot();
    await flooder.request<FloodTally>('flood', plan(WARM_UP_FRAMES, 3000, 7), 120_000);
    const before = await server.snapshot();
    chatters.enter('clean');
    await new Promise((resolve) => setTimeout(resolve, CLEAN_PHASE_MS));

    chatters.enter('garbage');
    const started = Date.now();
    const tally = await flooder.request<FloodTally>('flood', plan(TOTAL_FRAMES, FLOOD_MS), FLOOD_MS + 300_000);
    const floodMs = Date.now() - started;
    chatters.enter('after');
    const after = await server.snapshot();
    return {
      tally, floodMs, fresh, before, after,
      cleanP99: chatters.p99('clean'), garbageP99: chatters.p99('garbage'),
      cleanCount: chatters.count('clean'), garbageCount: chatters.count('garbage'),
    };
  } finally {
    await chatters.stop();
    await flooder.stop();
    await server.stop();
  }
}

async function startFlooder(): Promise<ChildPeer> {
  const peer = new ChildPeer('garbage flood', spawnNode(FLOOD_MAIN, [], { cpu: CLIENT_CPU }));
  await peer.ready;
  return peer;
}

function describe(report: SoakReport, run: FloodRun): void {
  const { tally, floodMs, fresh, before, after } = run;
  const codes = Object.entries(tally.closeCodes).map(([code, count]) => [Number(code), count] as const).sort(([a], [b]) => a - b);
  const undocumented = codes.filter(([code]) => !DOCUMENTED_CODES.has(code));
  const closes = codes.reduce((sum, [, count]) => sum + count, 0);
  const growth = after.rss - before.rss;
  const ratio = run.garbageP99 / run.cleanP99;
  report.line(`malformed: ${tally.sent} frames handled by the server in ${(floodMs / 1000).toFixed(1)} s over ${CONNECTIONS} slots: ` +
    `${tally.errorReplies} error replies + ${closes} closes`);
  report.line(`malformed: server close codes per connection: ${codes.map(([code, n]) => `${code} x${n}`).join(', ') || 'none'}; ` +
    `${tally.openAtEnd} connection(s) still open at the end (closed by the client)`);
  report.line(`malformed: warm-up of ${WARM_UP_FRAMES} frames: RSS ${mb(fresh.rss)} -> ${mb(before.rss)} (anonymous ${mb(fresh.anonymous)} -> ${mb(before.anonymous)}, V8 heap total ${mb(fresh.heapTotal)} -> ${mb(before.heapTotal)})`);
  report.line(`malformed: ${TOTAL_FRAMES} frames: RSS ${mb(before.rss)} -> ${mb(after.rss)} (growth ${mb(growth)}), anonymous ${mb(before.anonymous)} -> ${mb(after.anonymous)}, ` +
    `heap used ${mb(before.heapUsed)} -> ${mb(after.heapUsed)}, heap total ${mb(before.heapTotal)} -> ${mb(after.heapTotal)}`);
  report.line(`malformed: ({}).polluted = ${JSON.stringify(after.polluted)}, Object.prototype keys ${JSON.stringify(after.prototypeKeys)}`);
  report.line(`malformed: healthy p99 ${run.cleanP99.toFixed(2)} ms clean (${run.cleanCount} round trips) vs ` +
    `${run.garbageP99.toFixed(2)} ms under garbage (${run.garbageCount}); ratio ${ratio.toFixed(2)}`);
  report.check('malformed: every close code is documented', undocumented.length === 0, JSON.stringify(undocumented));
  report.check('malformed: every frame reached the server', tally.sent >= TOTAL_FRAMES, String(tally.sent));
  report.check('malformed: every frame got an error reply or a close', tally.errorReplies + closes === tally.sent, `${tally.errorReplies + closes}/${tally.sent}`);
  report.check('malformed: RSS grows < 20 MB', growth < 20 * MB, mb(growth));
  report.check('malformed: no prototype pollution', after.polluted === null && after.prototypeKeys.length === 0, String(after.polluted));
  report.check('malformed: healthy p99 within 10% of the clean phase', ratio <= 1.1, ratio.toFixed(2));
}
