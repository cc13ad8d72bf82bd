import type { BenchConfig } from '../config.js';
import type { MachineDescription } from '../harness/machine.js';
import { summarize, type Summary } from '../harness/stats.js';
import type { RedisPassResult, TwoNodeStep } from '../scenarios/redis-pass.js';
import type { ServerPassResult } from '../scenarios/server-pass.js';
import type { ServerKind } from '../servers/bench-server.interface.js';
import { METRICS, type MetricKey } from './metrics.js';

/** Every pass of every server, with medians and within-pass ratios read from it. */
export class ResultSet {
  constructor(
    readonly config: BenchConfig,
    readonly machine: MachineDescription,
    readonly results: ServerPassResult[],
    readonly durationS: number,
    /** The two-node scenarios on Redis, one entry per pass (none when skipped). */
    readonly redis: RedisPassResult[] = [],
  ) {}

  /** A two-node figure at `n`, summarized over the passes that measured it. */
  redisSummary(n: number, read: (step: TwoNodeStep) => number | null): Summary | null {
    return summarize(this.redis.map((pass) => {
      const step = pass.steps.find((candidate) => candidate.n === n);
      return step ? read(step) : null;
    }));
  }

  /** The metric for `server` at `n`, one value per pass (null where the pass has none). */
  values(metric: MetricKey, server: ServerKind, n: number): Array<number | null> {
    return this.passes().map((pass) => {
      const result = this.find(server, pass);
      return result ? METRICS[metric].read(result, n) : null;
    });
  }

  summary(metric: MetricKey, server: ServerKind, n: number): Summary | null {
    return summarize(this.values(metric, server, n));
  }

  /** `server / reference`, computed within each pass, then summarized over passes. */
  ratio(metric: MetricKey, server: ServerKind, reference: ServerKind, n: number): Summary | null {
    const mine = this.values(metric, server, n);
    const theirs = this.values(metric, reference, n);
    return summarize(mine.map((value, i) => (value !== null && theirs[i] ? value / theirs[i]! : null)));
  }

  /** Message bytes per broadcast as each server puts it on the wire. */
  messageBytes(server: ServerKind): number | null {
    return this.results.find((result) => result.server === server && result.messageBytes > 0)?.messageBytes ?? null;
  }

  errors(): string[] {
    return [
      ...this.results.filter((result) => result.error).map((result) => `pass ${result.pass + 1}, ${result.server}: ${result.error}`),
      ...this.redis.filter((result) => result.error).map((result) => `pass ${result.pass + 1}, two nodes on Redis: ${result.error}`),
    ];
  }

  /** The largest N the many-topics scenario ran at. */
  get manyTopicsSize(): number {
    return Math.max(...this.config.sizes);
  }

  private passes(): number[] {
    return Array.from({ length: this.config.passes }, (_, i) => i);
  }

  private find(server: ServerKind, pass: number): ServerPassResult | undefined {
    return this.results.find((result) => result.server === server && result.pass === pass);
  }
}
