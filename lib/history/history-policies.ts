import { Injectable } from '@nestjs/common';
import { TopicRouter } from '../router/topic-router.js';
import type { HistoryPolicy } from './history-options.js';

/**
 * Which topics keep history, and how: the channel routes that opted in, filled at boot. Every
 * broadcast asks, so an app whose channels keep no history pays one property read.
 */
@Injectable()
export class HistoryPolicies {
  private readonly routes = new TopicRouter<HistoryPolicy>();
  private any = false;

  /** Topics matching `pattern` (a channel route) keep history under `policy`. */
  add(pattern: string, policy: HistoryPolicy): void {
    this.routes.add(pattern, policy);
    this.any = true;
  }

  /** The policy of `topic`, or undefined when it keeps no history. */
  policyFor(topic: string): HistoryPolicy | undefined {
    return this.any ? this.routes.match(topic) : undefined;
  }

  /** The policy of a broadcast of `event` on `topic`, when it is kept and numbered. */
  keeps(topic: string, event: string): HistoryPolicy | undefined {
    const policy = this.policyFor(topic);
    return policy !== undefined && !policy.ephemeral.has(event) ? policy : undefined;
  }
}
