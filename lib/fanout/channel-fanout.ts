import { Injectable, Logger } from '@nestjs/common';
import type { BroadcastMessage, BroadcastOrigin } from '../pubsub/broadcast-message.js';
import type { BroadcastSubscriber } from '../pubsub/broadcast-subscriber.interface.js';
import { PubSub } from '../pubsub/pubsub.js';
import { eventChannels } from '../observability/event-channels.js';
import type { FanoutMember } from './fanout-member.interface.js';
import { OutboundBroadcast } from './outbound-broadcast.js';
import type { SliceBudget } from './slice-budget.js';

/**
 * Delivers broadcasts to this node's joined channels (Phoenix's fastlane). It is the one PubSub
 * subscriber of every topic with joined channels here, so a broadcast is encoded at most once per
 * wire format for all of them, and each connection's transport frames and schedules the write.
 * Intercepted events go to their channel instead, to run `@HandleOut` per subscriber.
 */
@Injectable()
export class ChannelFanout implements BroadcastSubscriber {
  // Never the sender of a broadcastFrom: the members' own ids are compared instead.
  readonly subscriberId = 'channel-fanout';
  private readonly logger = new Logger('Channels');
  private readonly members = new Map<string, Set<FanoutMember>>();

  constructor(private readonly pubsub: PubSub) {}

  /** `member` receives the broadcasts of `topic` from now on. */
  add(topic: string, member: FanoutMember): void {
    let members = this.members.get(topic);
    if (!members) {
      members = new Set();
      this.members.set(topic, members);
      this.pubsub.subscribe(topic, this);
    }
    members.add(member);
  }

  remove(topic: string, member: FanoutMember): void {
    const members = this.members.get(topic);
    if (!members?.delete(member)) return;
    if (members.size === 0) {
      this.members.delete(topic);
      this.pubsub.unsubscribe(topic, this);
    }
  }

  /** Topics with joined channels on this node. */
  get topicCount(): number {
    return this.members.size;
  }

  /** Joined channels of `topic` on this node. */
  memberCount(topic: string): number {
    return this.members.get(topic)?.size ?? 0;
  }

  deliver(message: BroadcastMessage, origin: BroadcastOrigin): void {
    const members = this.members.get(message.topic);
    if (!members) return;
    const trace = eventChannels.broadcast;
    if (!trace.hasSubscribers) return this.deliverToAll(members, message, origin);
    const { topic, event } = message;
    trace.traceSync(this.deliverToAll, { topic, event, origin, subscribers: members.size }, this, members, message, origin);
  }

  private deliverToAll(members: Set<FanoutMember>, message: BroadcastMessage, origin: BroadcastOrigin): void {
    const broadcast = new OutboundBroadcast(message, origin, members.size > 1);
    // Set iteration tolerates members leaving mid-delivery, so no copy is made per broadcast.
    for (const member of members) {
      if (message.from !== undefined && member.subscriberId === message.from) continue;
      this.deliverTo(member, broadcast);
    }
  }

  /**
   * Delivers `message` (encoded once per wire format, as `deliver` does) to the channels of its
   * topic joined when it is called, except those `skip` names, pausing whenever `budget` says so:
   * presence uses it so that a big room's diff does not stall the node. A channel that leaves
   * meanwhile is skipped. Resolves once every channel was served.
   */
  async deliverInSlices(message: BroadcastMessage, skip: (subscriberId: string) => boolean, budget: SliceBudget): Promise<void> {
    const members = this.members.get(message.topic);
    if (!members) return;
    // A copy: channels joining during a pause get the next message, not this one.
    const snapshot = [...members];
    const broadcast = new OutboundBroadcast(message, 'local', snapshot.length > 1);
    for (const member of snapshot) {
      const pause = budget.pause();
      if (pause) await pause;
      if (!this.members.get(message.topic)?.has(member) || skip(member.subscriberId)) continue;
      this.deliverTo(member, broadcast);
    }
  }

  private deliverTo(member: FanoutMember, broadcast: OutboundBroadcast): void {
    const { message } = broadcast;
    try {
      if (member.intercepts.has(message.event)) {
        member.intercept(message);
        return;
      }
      const frame = broadcast.frameFor(member.target.serializer);
      if (frame !== null) member.target.send(frame, 'broadcast');
    } catch (error) {
      this.logger.error(`Delivering "${message.event}" on "${message.topic}" failed for one subscriber: ${String(error)}`);
    }
  }
}
