import { Logger } from '@nestjs/common';
import type { PubSub } from '../pubsub/pubsub.js';
import type { Socket } from '../socket/socket.js';
import { PRESENCE_DIFF } from './presence-events.js';
import type { PresenceEnricher } from './presence-enricher.js';
import type { PresenceDiff } from './presence.types.js';

const logger = new Logger('Presence');

/**
 * Sends `presence_diff`s to this node's subscribers of each topic (every node sends its own, from
 * its own copy of the state, as Phoenix does). With a `fetch` hook, diffs of one topic still go
 * out in the order they happened, since a leave overtaking its join would leave a ghost.
 */
export class DiffDispatcher {
  /** Per topic, the last diff on its way through `fetch`. */
  private readonly tails = new Map<string, Promise<void>>();
  /** Per topic, channels still joining that were sent the state and must get diffs meanwhile. */
  private readonly joining = new Map<string, Set<Socket<object>>>();

  constructor(
    private readonly pubsub: PubSub,
    private readonly enricher: PresenceEnricher,
  ) {}

  dispatch(topic: string, diff: PresenceDiff): void {
    // Nobody here listens: no diff to build, and above all no `fetch` (often a database query).
    if (this.pubsub.subscriberCount(topic) === 0 && !this.hasJoining(topic)) return;
    if (!this.enricher.active) {
      this.deliver(topic, diff);
      return;
    }
    const previous = this.tails.get(topic) ?? Promise.resolve();
    const sent: Promise<void> = previous
      .then(() => this.enricher.enrichDiff(topic, diff))
      .then((enriched) => this.deliver(topic, enriched))
      .catch((error: unknown) => logger.error(`A presence_diff on "${topic}" could not be sent: ${String(error)}`))
      .finally(() => {
        if (this.tails.get(topic) === sent) this.tails.delete(topic);
      });
    this.tails.set(topic, sent);
  }

  /**
   * A channel still joining is not subscribed to its topic yet, so the diffs between its state
   * snapshot and its subscription would be lost: they are pushed to it directly (queued behind
   * the join reply and the state) until it has joined.
   */
  relayWhileJoining(socket: Socket<object>): void {
    let sockets = this.joining.get(socket.topic);
    if (!sockets) this.joining.set(socket.topic, (sockets = new Set()));
    if (sockets.has(socket)) return;
    sockets.add(socket);
    socket.onEnd(() => this.stopRelaying(socket));
  }

  private deliver(topic: string, diff: PresenceDiff): void {
    if (this.hasJoining(topic)) {
      for (const socket of this.joining.get(topic)!) socket.push(PRESENCE_DIFF, diff);
    }
    this.pubsub.localBroadcast(topic, PRESENCE_DIFF, diff);
  }

  /** Whether channels of `topic` are still joining; forgets those that joined or ended since. */
  private hasJoining(topic: string): boolean {
    for (const socket of this.joining.get(topic) ?? []) {
      if (socket.joined || socket.ended) this.stopRelaying(socket);
    }
    return this.joining.has(topic);
  }

  private stopRelaying(socket: Socket<object>): void {
    const sockets = this.joining.get(socket.topic);
    if (!sockets?.delete(socket)) return;
    if (sockets.size === 0) this.joining.delete(socket.topic);
  }
}
