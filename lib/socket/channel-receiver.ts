import type { ChannelHandlerFn } from '../discovery/channel-definition.js';
import type { FanoutMember } from '../fanout/fanout-member.interface.js';
import { OutboundBroadcast } from '../fanout/outbound-broadcast.js';
import type { BroadcastMessage } from '../pubsub/broadcast-message.js';
import type { ChannelHost } from './channel-host.interface.js';

/** While a join reads the history, the fan-out hands every broadcast of its topic to `intercept`. */
const HOLD_ALL = { has: () => true };

/**
 * The broadcast side of one joined channel, as the fan-out sees it: events nobody intercepts go
 * straight to the connection (fastlane), intercepted ones to `@HandleOut` in the channel's turn,
 * and while a join on a history topic reads the history, all of them wait here. The channel
 * process extends it: one object per idle channel rather than two.
 */
export abstract class ChannelReceiver implements FanoutMember {
  private held: BroadcastMessage[] | null = null;

  constructor(
    /** The channel's: a broadcastFrom of this channel skips it. */
    readonly subscriberId: string,
    readonly target: ChannelHost,
    private readonly handleOut: ReadonlyMap<string, ChannelHandlerFn>,
  ) {}

  /** Runs `@HandleOut` for `message` in the channel's turn. */
  abstract handleOutLater(handler: ChannelHandlerFn, message: BroadcastMessage): void;

  get intercepts(): { has(event: string): boolean } {
    return this.held === null ? this.handleOut : HOLD_ALL;
  }

  intercept(message: BroadcastMessage): void {
    if (this.held !== null) {
      this.held.push(message);
      return;
    }
    const handler = this.handleOut.get(message.event);
    if (handler) this.handleOutLater(handler, message);
  }

  /** Holds every broadcast from now on, until `release`. */
  hold(): void {
    this.held = [];
  }

  /** Stops holding; returns what was held, in order. */
  release(): BroadcastMessage[] {
    const held = this.held ?? [];
    this.held = null;
    return held;
  }

  /** One broadcast to this client alone, as the fan-out would have delivered it. */
  deliver(message: BroadcastMessage): void {
    if (this.handleOut.has(message.event)) return this.intercept(message);
    const frame = new OutboundBroadcast(message, 'local', false).frameFor(this.target.serializer);
    if (frame !== null) this.target.send(frame, 'broadcast');
  }
}
