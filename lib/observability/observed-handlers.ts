import type { TransportName } from '../interfaces/transport.interface.js';
import { eventChannels } from './event-channels.js';
import type { ChannelHandleInEvent, ChannelJoinEvent } from './events.js';
import { handlerSpans } from './tracing/handler-spans.js';

/** Whether anyone observes joins (an event subscriber or the tracing module): else a join runs straight. */
export function joinsObserved(): boolean {
  return eventChannels.channelJoin.hasSubscribers || handlerSpans.current !== null;
}

/** Whether anyone observes handle_ins. */
export function handleInsObserved(): boolean {
  return eventChannels.channelHandleIn.hasSubscribers || handlerSpans.current !== null;
}

/** Runs a join traced on its channel and in a span; `run` sets the event's outcome. */
export function observeJoin(
  channel: string,
  topic: string,
  transport: TransportName,
  payload: unknown,
  run: (event: ChannelJoinEvent) => Promise<void>,
): Promise<void> {
  const event: ChannelJoinEvent = { channel, topic, transport, payload, outcome: 'closed' };
  const traced = () => eventChannels.channelJoin.tracePromise(run, event, undefined, event);
  const spans = handlerSpans.current;
  return spans ? spans.join(event, traced) : traced();
}

/** Runs a handle_in traced on its channel and in a span; `run` sets the event's outcome. */
export function observeHandleIn(
  fields: Omit<ChannelHandleInEvent, 'outcome' | 'error'>,
  run: (event: ChannelHandleInEvent) => Promise<void>,
): Promise<void> {
  const event: ChannelHandleInEvent = { ...fields, outcome: 'noreply' };
  const traced = () => eventChannels.channelHandleIn.tracePromise(run, event, undefined, event);
  const spans = handlerSpans.current;
  return spans ? spans.handleIn(event, traced) : traced();
}

/** A channel crashed (`where`: `join`, `handle_in "event"`, ...). */
export function publishCrash(channel: string, topic: string, where: string, error: unknown): void {
  if (eventChannels.channelCrash.hasSubscribers) eventChannels.channelCrash.publish({ channel, topic, where, error });
}

/** A joined channel ended with `reason`. */
export function publishLeave(channel: string, topic: string, transport: TransportName, reason: string): void {
  if (eventChannels.channelLeave.hasSubscribers) eventChannels.channelLeave.publish({ channel, topic, transport, reason });
}

/** A join with `since` on a history topic recovered what it missed, or could not. */
export function publishRecovery(channel: string, topic: string, recovered: boolean, messages: number): void {
  if (!eventChannels.channelRecover.hasSubscribers) return;
  eventChannels.channelRecover.publish({ channel, topic, outcome: recovered ? 'recovered' : 'not_recovered', messages });
}
