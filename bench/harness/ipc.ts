import type { ChildProcess } from 'node:child_process';

/** Messages on the IPC channel between the bench runner and a server or client process. */
type ToChild = { kind: 'request'; id: number; command: string; args: unknown };
type ToParent =
  | { kind: 'ready'; info: unknown }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };

/** A command table: each handler takes the request's arguments and returns a result (or a promise). */
export type CommandHandlers = Record<string, (args: any) => unknown>;

/**
 * The runner's side of one child process: commands in, results out. Triggering a broadcast costs
 * nothing on the sockets being measured, since it travels over this channel.
 */
export class ChildPeer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private exited: Error | null = null;
  readonly ready: Promise<unknown>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.ready = new Promise((resolve, reject) => {
      child.on('message', (message: ToParent) => {
        if (message.kind === 'ready') return resolve(message.info);
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        if (message.ok) waiter.resolve(message.result);
        else waiter.reject(new Error(`${name}: ${message.error}`));
      });
      child.on('exit', (code, signal) => {
        this.exited = new Error(`${name} exited (code ${code}, signal ${signal})`);
        reject(this.exited);
        for (const waiter of this.pending.values()) waiter.reject(this.exited);
        this.pending.clear();
      });
    });
    // A failed boot is reported by whoever awaits `ready`; do not crash on it here.
    this.ready.catch(() => undefined);
  }

  request<T>(command: string, args: unknown = {}, timeoutMs = 120_000): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: "${command}" got no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value as T)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.child.send({ kind: 'request', id, command, args } satisfies ToChild);
    });
  }

  /** Asks the child to exit, and kills it if it has not within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.request('exit', {}, graceMs).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}

/** The child's side: announce readiness, then answer commands until told to exit. */
export function serveCommands(handlers: CommandHandlers, readyInfo: unknown): void {
  const send = (message: ToParent) => process.send!(message);
  process.on('message', async (message: ToChild) => {
    if (message.kind !== 'request') return;
    if (message.command === 'exit') {
      send({ kind: 'reply', id: message.id, ok: true, result: null });
      setImmediate(() => process.exit(0));
      return;
    }
    const handler = handlers[message.command];
    try {
      if (!handler) throw new Error(`unknown command "${message.command}"`);
      send({ kind: 'reply', id: message.id, ok: true, result: (await handler(message.args)) ?? null });
    } catch (error) {
      send({ kind: 'reply', id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
  // The runner going away (Ctrl-C, crash) must not leave orphans holding 19k sockets.
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready', info: readyInfo });
}
