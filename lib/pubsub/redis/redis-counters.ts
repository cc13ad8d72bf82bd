import { eventChannels } from '../../observability/event-channels.js';
import type { RedisPubSubStats } from './redis-pubsub-options.interface.js';

const NO_HISTORY_COUNTS = { historyRecovered: 0, historyMissed: 0, historyReads: 0 };

/**
 * The adapter's counters (`stats`). Several parts of the adapter add to `dropped`; its setter
 * also publishes the drop event, so no site can count a loss and forget to report it.
 */
export function redisCounters(): RedisPubSubStats {
  let dropped = 0;
  return Object.defineProperty({ published: 0, received: 0, invalid: 0, missed: 0, ...NO_HISTORY_COUNTS } as RedisPubSubStats, 'dropped', {
    enumerable: true,
    get: () => dropped,
    set: (value: number) => {
      const count = value - dropped;
      dropped = value;
      if (count > 0 && eventChannels.pubsubDrop.hasSubscribers) eventChannels.pubsubDrop.publish({ count });
    },
  });
}
