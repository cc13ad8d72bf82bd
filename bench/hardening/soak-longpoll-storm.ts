import { Agent, request } from 'node:http';
import { Chatters } from './chatters.js';
import { mb, MB, SoakServer } from './soak-server.js';
import type { SoakReport } from './soak-report.js';

const TOPIC = 'soak:busy';
const SESSIONS = 1100;
const CHATTERS = 10;
const PHASE_MS = 8000;
/** 1,000 broadcasts/s of ~1 KB: what made 100 stalled sessions grow the server by 431 MB in 3 s. */
const PACE = { topic: TOPIC, perTick: 10, tickMs: 10, bytes: 1024 };

/**
 * Issue 22, item 1: healthy clients chat while a busy topic broadcasts, first alone, then with
 * 1,100 long-poll sessions that joined the topic and stopped polling. The server's RSS must grow
 * less than 200 MB over the quiet phase and the healthy round trip p99 stay under 3x the quiet one.
 */
export async function soakLongPollStorm(report: SoakReport): Promise<void> {
  const server = await SoakServer.start({ rateLimit: false, transports: ['websocket', 'longpoll'] });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const chatters = await Chatters.start(server.websocketUrl, CHATTERS, 50);
  try {
    chatters.enter('warm-up');
    await server.paced({ ...PACE, durationMs: 2000 });
    chatters.enter('quiet');
    const quiet = await server.paced({ ...PACE, durationMs: PHASE_MS });
    chatters.enter('opening');
    const before = await server.snapshot();
    const opened = await Promise.all(Array.from({ length: SESSIONS }, () => openStalledSession(server.port, agent)));
    const stalledAtStart = (await server.connections()) - CHATTERS;
    chatters.enter('storm');
    const storm = await server.paced({ ...PACE, durationMs: PHASE_MS });
    chatters.enter('done');
    const left = (await server.connections()) - CHATTERS;
    const after = await server.snapshot();

    const ratio = chatters.p99('storm') / chatters.p99('quiet');
    const growth = storm.peakRss - quiet.peakRss;
    report.line(`long-poll storm: ${opened.filter(Boolean).length}/${SESSIONS} sessions joined ${TOPIC} and stopped polling (${stalledAtStart} open at the start); ` +
      `${PACE.perTick * (1000 / PACE.tickMs)} broadcasts/s of ${PACE.bytes} B for ${PHASE_MS / 1000} s; ${left} sessions left after it`);
    report.line(`long-poll storm: server peak RSS ${mb(quiet.peakRss)} quiet, ${mb(storm.peakRss)} in the storm; RSS after GC ${mb(before.rss)} -> ${mb(after.rss)}`);
    report.line(`long-poll storm: healthy round trip p99 ${chatters.p99('quiet').toFixed(2)} ms quiet (${chatters.count('quiet')}) vs ` +
      `${chatters.p99('storm').toFixed(2)} ms in the storm (${chatters.count('storm')}); ratio ${ratio.toFixed(2)}`);
    report.check('long-poll storm: every session opened and joined', opened.every(Boolean), `${opened.filter(Boolean).length}/${SESSIONS}`);
    report.check('long-poll storm: server peak RSS grows < 200 MB', growth < 200 * MB, mb(growth));
    report.check('long-poll storm: healthy p99 under 3x the quiet one', ratio < 3, ratio.toFixed(2));
  } finally {
    await chatters.stop();
    agent.destroy();
    await server.stop();
  }
}

/** Opens a long-poll session as the phoenix client does, joins `TOPIC` in it, and never polls again. */
async function openStalledSession(port: number, agent: Agent): Promise<boolean> {
  const opened = await http(port, agent, 'GET', '/socket/longpoll?vsn=2.0.0');
  const token = (opened as { token?: string }).token;
  if (!token) return false;
  const join = JSON.stringify(['1', '1', TOPIC, 'phx_join', {}]);
  const posted = await http(port, agent, 'POST', `/socket/longpoll?vsn=2.0.0&token=${encodeURIComponent(token)}`, join);
  return (posted as { status?: number }).status === 200;
}

function http(port: number, agent: Agent, method: string, path: string, body?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString() || 'null')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
