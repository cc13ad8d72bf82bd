import diagnosticsChannel from 'node:diagnostics_channel';

/** The handlers of a tracing channel a subscriber can give (the others are filled in). */
export interface TracingHandlers<T> {
  start?(message: T): void;
  end?(message: T): void;
  asyncEnd?(message: T): void;
}

const NOTHING = () => undefined;

/** Subscriptions to the library's events, undone together (a module that stops, a test). */
export class EventSubscriptions {
  private readonly undo: Array<() => void> = [];

  on<T>(name: string, handler: (message: T) => void): this {
    const listener = handler as (message: unknown) => void;
    diagnosticsChannel.subscribe(name, listener);
    this.undo.push(() => diagnosticsChannel.unsubscribe(name, listener));
    return this;
  }

  onTrace<T extends object>(name: string, handlers: TracingHandlers<T>): this {
    const channel = diagnosticsChannel.tracingChannel<string, T>(name);
    const all = {
      start: handlers.start ?? NOTHING,
      end: handlers.end ?? NOTHING,
      asyncStart: NOTHING,
      asyncEnd: handlers.asyncEnd ?? NOTHING,
      error: NOTHING,
    };
    channel.subscribe(all);
    this.undo.push(() => channel.unsubscribe(all));
    return this;
  }

  close(): void {
    for (const undo of this.undo.splice(0)) undo();
  }
}

/** Where a subscriber keeps the start time of a traced operation, on the event itself. */
const STARTED = Symbol('nestjs-channels started');

/** Marks the start of a traced operation (for a `start` handler). */
export function markStart(message: object): void {
  (message as { [STARTED]?: number })[STARTED] = performance.now();
}

/** Seconds since `markStart` (for an `end` or `asyncEnd` handler); 0 if it was not marked. */
export function secondsSinceStart(message: object): number {
  const started = (message as { [STARTED]?: number })[STARTED];
  return started === undefined ? 0 : (performance.now() - started) / 1000;
}
