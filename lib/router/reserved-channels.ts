import { Injectable } from '@nestjs/common';
import type { ChannelDefinition } from '../discovery/channel-definition.js';
import { isReservedTopic } from '../protocol/reserved.js';

/**
 * The channels of the library's own features on reserved topics (the dashboard's live view).
 * A join looks here only when its topic is reserved, so ordinary joins never pay for it, and app
 * routes can never reach these topics (the explorer refuses reserved patterns).
 */
@Injectable()
export class ReservedChannels {
  private readonly channels = new Map<string, ChannelDefinition>();

  /** `definition` answers the joins of `topic` (exact) from now on. */
  add(topic: string, definition: ChannelDefinition): void {
    if (!isReservedTopic(topic)) throw new Error(`"${topic}" is not a reserved topic`);
    if (this.channels.has(topic)) throw new Error(`Reserved topic "${topic}" is served twice`);
    this.channels.set(topic, definition);
  }

  remove(topic: string, definition: ChannelDefinition): void {
    if (this.channels.get(topic) === definition) this.channels.delete(topic);
  }

  match(topic: string): ChannelDefinition | undefined {
    return this.channels.get(topic);
  }
}
