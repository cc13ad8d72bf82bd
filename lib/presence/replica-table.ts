import type { ReplicaRef } from './tracker-messages.js';

/** What this node knows of another node's current run. */
export interface ReplicaRecord {
  readonly ref: ReplicaRef;
  /**
   * The version this node's copy of its presences is at. A new record starts at 0 with nothing
   * held, which is exactly its state at version 0.
   */
  clock: number;
  lastSeenAt: number;
  /** When a transfer was last asked of it, while unanswered. */
  transferRequestedAt: number | null;
}

/** The outcome of hearing from a replica. */
export interface Sighting {
  record: ReplicaRecord;
  /** A previous run of the same node name, to forget: the node restarted. */
  replaced: ReplicaRef | null;
}

const refId = (ref: ReplicaRef) => `${ref.name}:${ref.vsn}`;

/**
 * The other nodes' runs this node hears from, and when it last did: the failure detector. A run
 * that said goodbye, or that a newer run of its node replaced, stays "departed" for a while so
 * that a late message of it cannot bring it back.
 */
export class ReplicaTable {
  private readonly records = new Map<string, ReplicaRecord>();
  /** Departed runs and until when to ignore them. */
  private readonly departed = new Map<string, number>();

  constructor(private readonly forgetDepartedAfterMs: number) {}

  get size(): number {
    return this.records.size;
  }

  get(name: string): ReplicaRecord | undefined {
    return this.records.get(name);
  }

  values(): IterableIterator<ReplicaRecord> {
    return this.records.values();
  }

  /** Records a message from `ref`; null when that run has departed and must be ignored. */
  sighted(ref: ReplicaRef, now: number): Sighting | null {
    if (this.departed.has(refId(ref))) return null;
    const current = this.records.get(ref.name);
    if (current && current.ref.vsn === ref.vsn) {
      current.lastSeenAt = now;
      return { record: current, replaced: null };
    }
    if (current) this.markDeparted(current.ref, now);
    const record: ReplicaRecord = { ref: { name: ref.name, vsn: ref.vsn }, clock: 0, lastSeenAt: now, transferRequestedAt: null };
    this.records.set(ref.name, record);
    return { record, replaced: current?.ref ?? null };
  }

  /** Forgets a run that said goodbye; true when it was known. */
  depart(ref: ReplicaRef, now: number): boolean {
    this.markDeparted(ref, now);
    const current = this.records.get(ref.name);
    if (current?.ref.vsn !== ref.vsn) return false;
    this.records.delete(ref.name);
    return true;
  }

  /** Removes and returns the runs not heard from for longer than `downPeriodMs`. */
  takeDown(now: number, downPeriodMs: number): ReplicaRecord[] {
    const down: ReplicaRecord[] = [];
    for (const [name, record] of this.records) {
      if (now - record.lastSeenAt <= downPeriodMs) continue;
      this.records.delete(name);
      down.push(record);
    }
    for (const [id, until] of this.departed) if (until <= now) this.departed.delete(id);
    return down;
  }

  private markDeparted(ref: ReplicaRef, now: number): void {
    this.departed.set(refId(ref), now + this.forgetDepartedAfterMs);
  }
}
