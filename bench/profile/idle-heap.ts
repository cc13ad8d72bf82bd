import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { withSession } from '../harness/bench-session.js';
import { sleep } from '../harness/clock.js';
import { FANOUT_TOPIC } from '../harness/payload.js';
import { CLIENT_PROTOCOL } from '../scenarios/client-protocols.js';
import type { ServerKind } from '../servers/bench-server.interface.js';
import { groupHeapSnapshot, perConnection } from './summarize-heap-snapshot.js';

/**
 * Heap per idle subscribed connection, in-process and after GC: a fresh server process, bench
 * clients subscribed to one topic, the growth of the server's `heapUsed` (and RSS) since boot
 * divided by the connections, for each server kind and each repetition. With several sizes the
 * clients grow through them on the same server, as `--stomp` does. With `--snapshot` (one size),
 * a heap snapshot at boot and at N, grouped by constructor: the growth per connection of each
 * (shallow sizes).
 *
 *   node bench/dist/bench/profile/idle-heap.js [--kinds=ws-prebuilt-stomp,nestjs-channels-stomp] [--n=2000 | --n=1000,5000] [--repeat=3] [--snapshot [--keep]]
 */
async function main(): Promise<void> {
  const flags = new Map(process.argv.slice(2).map((arg): [string, string | undefined] => {
    const [name, value] = arg.replace(/^--/, '').split('=');
    return [name!, value];
  }));
  const kinds = (flags.get('kinds') ?? 'ws-prebuilt-stomp,nestjs-channels,nestjs-channels-stomp').split(',') as ServerKind[];
  const sizes = (flags.get('n') ?? '2000').split(',').map(Number);
  const repeat = Number(flags.get('repeat') ?? 3);
  const snapshot = flags.has('snapshot') && sizes.length === 1;
  for (let round = 0; round < repeat; round++) {
    for (const kind of kinds) {
      await withSession(kind, {}, CLIENT_PROTOCOL[kind], Math.max(...sizes), async ({ server, clients }) => {
        await sleep(200);
        const boot = await server.settledMemory();
        const before = snapshot ? await readSnapshot(await server.heapSnapshot(join(os.tmpdir(), `idle-heap-${kind}-0.heapsnapshot`))) : null;
        for (const n of sizes) {
          const batch = await clients.grow(server.baseUrl, n, FANOUT_TOPIC);
          if (batch.failed > 0) throw new Error(`${kind}: ${batch.failed} sockets failed: ${batch.firstError}`);
          await sleep(500);
          const idle = await server.settledMemory();
          const per = (key: 'heapUsed' | 'external' | 'rss') => ((idle[key] - boot[key]) / n).toFixed(0);
          console.log(`round ${round + 1} ${kind} N=${n}: heap ${per('heapUsed')} B, external ${per('external')} B, RSS ${per('rss')} B per connection`);
        }
        if (before === null) return;
        const n = sizes[0]!;
        const after = await readSnapshot(await server.heapSnapshot(join(os.tmpdir(), `idle-heap-${kind}-${n}.heapsnapshot`)));
        const rows = perConnection(before, after, n);
        console.log(`| ${kind} | count per conn | bytes per conn |\n| --- | ---: | ---: |`);
        for (const row of rows) console.log(`| ${row.key} | ${row.count.toFixed(2)} | ${row.bytes.toFixed(0)} |`);
        console.log(`| total | | ${rows.reduce((sum, row) => sum + row.bytes, 0).toFixed(0)} |`);
      });
      await sleep(300);
    }
  }
}

async function readSnapshot(path: string) {
  const groups = groupHeapSnapshot(readFileSync(path, 'utf8'));
  if (!process.argv.includes('--keep')) rmSync(path, { force: true });
  return groups;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
