import { summarize, type Summary } from '../harness/stats.js';
import { CHURN_PRESENCE } from '../scenarios/presence-churn.js';
import type { PresenceChurnResult } from '../scenarios/presence-churn.js';
import type { TwoNodeStep } from '../scenarios/redis-pass.js';
import { formatRatio, formatSummary, sizeLabel } from './format.js';
import type { ResultSet } from './result-set.js';

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Two-node throughput over one-node throughput, within each pass (one broadcast per turn on A). */
export function crossNodeRatio(step: TwoNodeStep): number {
  return step.twoNodes.burst.perSecond / step.single.burst.perSecond;
}

/** The same with ten broadcasts per turn, where the single node coalesces writes too. */
export function crossNodeRatio10(step: TwoNodeStep): number | null {
  // Runs saved before this measurement existed have no burst10.
  if (!step.twoNodes.burst10 || !step.single.burst10) return null;
  return step.twoNodes.burst10.perSecond / step.single.burst10.perSecond;
}

function extra(read: (figures: TwoNodeStep['single']) => number | null): (step: TwoNodeStep) => number | null {
  return (step) => {
    const one = read(step.single);
    const two = read(step.twoNodes);
    return one === null || two === null ? null : two - one;
  };
}

function churnSummary(set: ResultSet, read: (churn: PresenceChurnResult) => number): Summary | null {
  return summarize(set.redis.map((pass) => (pass.churn ? read(pass.churn) : null)));
}

/** The two-node fan-out and presence churn tables; nothing when the run skipped them. */
export function redisTables(set: ResultSet): string[] {
  const sizes = set.config.redis?.sizes ?? [];
  if (set.redis.length === 0 || sizes.length === 0) return [];
  const cell = (n: number, read: (step: TwoNodeStep) => number | null) => formatSummary(set.redisSummary(n, read));
  const pair = (n: number, read: (figures: TwoNodeStep['single']) => number | null) =>
    `${cell(n, (step) => read(step.single))} / ${cell(n, (step) => read(step.twoNodes))}`;
  const fanoutRows = sizes.map((n) => [
    `N = ${sizeLabel(n)}`,
    cell(n, (step) => step.single.burst.perSecond),
    cell(n, (step) => step.twoNodes.burst.perSecond),
    formatRatio(set.redisSummary(n, crossNodeRatio)),
    `${cell(n, (step) => step.single.burst10?.perSecond ?? null)} / ${cell(n, (step) => step.twoNodes.burst10?.perSecond ?? null)}<br>${formatRatio(set.redisSummary(n, crossNodeRatio10))}`,
    pair(n, (figures) => figures.idleReachMs),
    cell(n, extra((figures) => figures.idleReachMs)),
    pair(n, (figures) => figures.paced.latencyP50Ms),
    pair(n, (figures) => figures.paced.latencyP99Ms),
    cell(n, extra((figures) => figures.paced.latencyP99Ms)),
  ]);
  const perNode = set.config.redis!.churnPerNode;
  const churnRow = [
    `${perNode.toLocaleString('en')} per node (${(2 * perNode).toLocaleString('en')} in all)`,
    formatSummary(churnSummary(set, (churn) => churn.joinConvergeMs)),
    formatSummary(churnSummary(set, (churn) => churn.joinLagMs)),
    formatSummary(churnSummary(set, (churn) => churn.leaveConvergeMs)),
  ];
  return [
    '### Two nodes on Redis: broadcast on node A, subscribers on node B (nestjs-channels)',
    '',
    row(['subscribers on B', 'one node, deliveries/s', 'A → Redis → B, deliveries/s', 'two nodes / one node', '10 per turn: one / two nodes, deliveries/s<br>ratio', 'idle reach, one / two nodes (ms)', 'extra idle reach (ms)', 'paced p50, one / two (ms)', 'paced p99, one / two (ms)', 'extra p99 (ms)']),
    row(Array.from({ length: 10 }, () => '---')),
    ...fanoutRows.map(row),
    '',
    'Same pass, fresh processes for each topology, the same measurements as the fan-out tables above (one and ten broadcasts ' +
      'per turn; idle single broadcasts; paced at the same offered load). With one broadcast per turn on A, node B still receives ' +
      'the Redis messages in batches (several per socket read) and coalesces the writes to each client socket within a turn, ' +
      'which one node sending one broadcast per turn cannot: hence two nodes above one node there; with ten per turn both ' +
      'coalesce and the ratio compares like with like. The node that fans out (the single node, or B) is pinned alone ' +
      'to CPU 0 as every server above; node A (one Redis publish per broadcast) shares CPU 1 with the clients; Redis is not pinned. ' +
      'Latency runs from the broadcast call on A to the arrival at the client on B. "Extra" is two nodes minus one node, within each pass.',
    '',
    '### Presence churn across two nodes on Redis (nestjs-channels `Presence`)',
    '',
    row(['presences', 'joins: both lists complete (ms)', 'of which after the last join reply (ms)', 'leaves: both lists empty (ms)']),
    row(['---', '---', '---', '---']),
    row(churnRow),
    '',
    `Sockets join one topic on both nodes at once, each join tracked by the node it lands on (\`Presence\` with ` +
      `broadcastPeriodMs ${CHURN_PRESENCE.broadcastPeriodMs}, downPeriodMs ${CHURN_PRESENCE.downPeriodMs}); the runner polls ` +
      'both nodes\' `Presence.list` until each lists them all. Then every socket closes at once, until both lists are empty. ' +
      'Node A on CPU 0, node B on CPU 1 with the clients.',
    '',
  ];
}
