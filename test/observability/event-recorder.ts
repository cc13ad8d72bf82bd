import diagnosticsChannel from 'node:diagnostics_channel';
import { ChannelsEvents } from '../../lib/index.js';

/** The events published on tracing channels (the others are plain channels). */
export const TRACING_EVENTS: ReadonlySet<string> = new Set([
  ChannelsEvents.socketConnect,
  ChannelsEvents.channelJoin,
  ChannelsEvents.channelHandleIn,
  ChannelsEvents.broadcast,
  ChannelsEvents.drain,
]);

type Phase = 'start' | 'end' | 'asyncEnd' | 'error' | 'publish';

export interface RecordedEvent {
  name: string;
  phase: Phase;
  /** A copy of the payload as it was at that phase (tracing payloads learn their outcome later). */
  payload: Record<string, unknown>;
}

/** Subscribes to every nestjs-channels event and keeps what it sees, until `stop()`. */
export class EventRecorder {
  readonly events: RecordedEvent[] = [];
  private readonly unsubscribes: Array<() => void> = [];

  constructor(names: readonly string[] = Object.values(ChannelsEvents)) {
    for (const name of names) {
      if (TRACING_EVENTS.has(name)) this.followTracing(name);
      else this.follow(name);
    }
  }

  /** Payloads of `name` at `phase` (`asyncEnd` for async tracing events, `end` for the broadcast, `publish` otherwise). */
  of(name: string, phase: Phase = defaultPhase(name)): Array<Record<string, any>> {
    return this.events.filter((event) => event.name === name && event.phase === phase).map((event) => event.payload);
  }

  clear(): void {
    this.events.length = 0;
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
  }

  private follow(name: string): void {
    const record = (message: unknown) => this.events.push({ name, phase: 'publish', payload: { ...(message as object) } });
    diagnosticsChannel.subscribe(name, record);
    this.unsubscribes.push(() => diagnosticsChannel.unsubscribe(name, record));
  }

  private followTracing(name: string): void {
    const channel = diagnosticsChannel.tracingChannel(name);
    const at = (phase: Phase) => (message: unknown) => this.events.push({ name, phase, payload: { ...(message as object) } });
    const handlers = { start: at('start'), end: at('end'), asyncStart: () => undefined, asyncEnd: at('asyncEnd'), error: at('error') };
    channel.subscribe(handlers);
    this.unsubscribes.push(() => channel.unsubscribe(handlers));
  }
}

function defaultPhase(name: string): Phase {
  if (name === ChannelsEvents.broadcast) return 'end';
  return TRACING_EVENTS.has(name) ? 'asyncEnd' : 'publish';
}
