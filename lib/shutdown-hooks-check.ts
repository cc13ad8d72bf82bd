import { Inject, Injectable, Logger } from '@nestjs/common';
import { RESOLVED_OPTIONS } from './channels.tokens.js';
import type { ResolvedChannelsOptions } from './interfaces/channels-options.interface.js';

/**
 * Warns, once, when an app that needs a graceful stop has nothing to stop it on SIGTERM. Nest's
 * `app.enableShutdownHooks()` is what closes the sockets with 1012 and says goodbye to the other
 * nodes; without it Node exits at once: clients see 1006 and other nodes keep this node's
 * presences for the whole down period. Checked when a real client is first served (the app is
 * live, and `main.ts` has run), so tests on `nestjs-channels/testing` never see it.
 */
@Injectable()
export class ShutdownHooksCheck {
  private readonly logger = new Logger('Channels');
  private served = false;
  private needs: string | undefined;
  private done = false;

  constructor(@Inject(RESOLVED_OPTIONS) options: ResolvedChannelsOptions) {
    if (options.pubsub !== undefined) this.needs = 'This node shares its PubSub with other nodes';
  }

  /** A transport served its first client. */
  clientServed(): void {
    if (this.served) return;
    this.served = true;
    this.check();
  }

  /** Something that needs a graceful stop is in use: `what` says which, for the warning. */
  required(what: string): void {
    this.needs ??= what;
    this.check();
  }

  private check(): void {
    if (this.done || !this.served || this.needs === undefined) return;
    this.done = true;
    // enableShutdownHooks() listens for SIGTERM; so does an app that closes itself on it.
    if (process.listenerCount('SIGTERM') > 0) return;
    this.logger.warn(
      `${this.needs}, but nothing handles SIGTERM: call app.enableShutdownHooks() in main.ts. Without it a stopping node ` +
        "drops its sockets (clients see 1006) and the other nodes keep this node's presences until its down period has passed",
    );
  }
}
