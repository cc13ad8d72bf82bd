import { Logger } from '@nestjs/common';
import type { ChannelDefinition } from '../discovery/channel-definition.js';
import type { HistoryPolicy } from '../history/history-options.js';
import { recoveryReply, recoveryRequest, replayOrder, withRecovery, type RecoveryRequest } from '../history/join-recovery.js';
import { recoveryFailures } from '../history/recovery-failure-log.js';
import type { Recovery } from '../history/recovery.js';
import { publishRecovery } from '../observability/observed-handlers.js';
import type { ChannelBroadcasts } from './channel-host.interface.js';
import type { ChannelReceiver } from './channel-receiver.js';
import { errorSummary } from './error-summary.js';

const logger = new Logger('Channel');

/** Channels already warned that their join reply cannot carry `recovery`. */
const warnedNonObjectReply = new WeakSet<ChannelDefinition>();

/**
 * A join on a history topic. Before the join handler runs, the channel is subscribed, holding
 * live broadcasts, while the history says where the topic stands (and what came after the
 * client's `since`). Read first, so that nothing after the reply's position can fall between the
 * app's state, which the handler reads, and the subscription: at least once (an app whose reply
 * lists messages should drop one it then receives again).
 */
export class HistoryJoin {
  private constructor(
    private readonly request: RecoveryRequest,
    private readonly read: Recovery | null,
  ) {}

  static async start(topic: string, payload: unknown, policy: HistoryPolicy, receiver: ChannelReceiver, broadcasts: ChannelBroadcasts): Promise<HistoryJoin> {
    const request = recoveryRequest(payload);
    receiver.hold();
    broadcasts.fanout.add(topic, receiver);
    try {
      return new HistoryJoin(request, await broadcasts.pubsub.recover(topic, request.since, policy));
    } catch (error) {
      recoveryFailures.failed(topic, errorSummary(error));
      return new HistoryJoin(request, null);
    }
  }

  /**
   * The join was accepted with `response`: `reply` sends it with `recovery` merged in, then
   * `afterReply` (the pushes made while joining), then the recovered broadcasts and the held live ones go out.
   */
  finish(definition: ChannelDefinition, topic: string, receiver: ChannelReceiver, response: unknown, reply: (response: unknown) => void, afterReply: () => void): void {
    const held = receiver.release();
    const recovery = recoveryReply(this.read, this.request);
    if (this.request.asked) publishRecovery(definition.pattern, topic, recovery.recovered === true, this.read?.messages.length ?? 0);
    const merged = withRecovery(response, recovery);
    if (!merged.merged && !warnedNonObjectReply.has(definition)) {
      warnedNonObjectReply.add(definition);
      logger.warn(`${definition.name}'s join returns a non-object, so its reply cannot carry "recovery"; return an object`);
    }
    reply(merged.response);
    afterReply();
    for (const broadcast of replayOrder(this.read, held)) receiver.deliver(broadcast);
  }
}
