import type { Channel as PhoenixChannel } from 'phoenix';
import type { AppNode } from '../fixtures/nodes/node-process.js';
import { collect, push, sleep } from '../support/phoenix-client.js';

/**
 * Counts the shouts one node's client pushes (each one broadcast) and how many of them another
 * node's client hears, so that an outage spec can check that nothing is lost silently: each
 * broadcast either arrives or is counted in the receiving node's `stats.missed`.
 */
export class ShoutTally {
  sent = 0;
  private readonly heardThere: Array<{ by?: string }>;

  constructor(
    private readonly from: PhoenixChannel,
    to: PhoenixChannel,
    /** Tags this sender's shouts, to tell them from the receiver's own. */
    private readonly by: string,
  ) {
    this.heardThere = collect(to, 'shout');
  }

  /** This sender's shouts the receiving client heard. */
  get heard(): number {
    return this.heardThere.filter((shout) => shout.by === this.by).length;
  }

  /** Pushes one shout, which must be answered "ok". */
  async shout(payload: object): Promise<void> {
    this.sent++;
    const reply = await push(this.from, 'shout', { ...payload, by: this.by });
    if (reply.status !== 'ok') throw new Error(`shout answered ${reply.status}`);
  }

  /**
   * Shouts every 50 ms until the receiver hears one more: at least one shout goes out now, so a
   * gap left by an outage shows on the receiver.
   */
  async shoutUntilHeard(timeoutMs = 15_000): Promise<void> {
    const started = Date.now();
    const before = this.heard;
    for (let probe = 0; probe === 0 || this.heard === before; probe++) {
      if (Date.now() - started > timeoutMs) throw new Error(`cross-node delivery did not resume within ${timeoutMs} ms`);
      await this.shout({ probe });
      await sleep(50);
    }
  }

  /**
   * The receiving node's `stats.missed` once heard + missed accounts for every shout sent (the
   * last ones may still be on their way), or as it stands after `timeoutMs`.
   */
  async missedOn(receiver: AppNode, timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { missed } = await receiver.get('/stats');
      if (this.heard + missed === this.sent || Date.now() > deadline) return missed;
      await sleep(50);
    }
  }
}
