import { PerformanceObserver, constants } from 'node:perf_hooks';

/** The GC pauses of one stretch of time in a soak server. */
export interface GcPauses {
  /** Young-generation collections (scavenges). */
  scavenges: number;
  scavengeMs: number;
  longestScavengeMs: number;
  /** Every other kind (mark-compact, incremental marking, weak callbacks). */
  others: number;
  othersMs: number;
}

const empty = (): GcPauses => ({ scavenges: 0, scavengeMs: 0, longestScavengeMs: 0, others: 0, othersMs: 0 });

/** The pauses of several stretches together. */
export function sumGcPauses(pauses: GcPauses[]): GcPauses {
  return pauses.reduce((sum, next) => ({
    scavenges: sum.scavenges + next.scavenges,
    scavengeMs: sum.scavengeMs + next.scavengeMs,
    longestScavengeMs: Math.max(sum.longestScavengeMs, next.longestScavengeMs),
    others: sum.others + next.others,
    othersMs: sum.othersMs + next.othersMs,
  }), empty());
}

/**
 * Tallies this process's GC pauses until `take()` hands them over and starts afresh, so a soak
 * can say how many scavenges each of its phases cost a server, and how long they were: a pause
 * longer than the healthy clients' p99 shows in that p99 however rare the frames behind it.
 */
export class GcPauseTally {
  private current = empty();

  constructor() {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
        if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
          this.current.scavenges++;
          this.current.scavengeMs += entry.duration;
          this.current.longestScavengeMs = Math.max(this.current.longestScavengeMs, entry.duration);
        } else {
          this.current.others++;
          this.current.othersMs += entry.duration;
        }
      }
    }).observe({ entryTypes: ['gc'] });
  }

  take(): GcPauses {
    const taken = this.current;
    this.current = empty();
    return taken;
  }
}
