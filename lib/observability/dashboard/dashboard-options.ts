import type { CanActivate, ModuleMetadata, Type } from '@nestjs/common';

/** Options of `ChannelsDashboardModule.forRoot()`. @publicApi */
export interface ChannelsDashboardOptions {
  /**
   * Where the page is served (the phoenix client under `<path>/phoenix.mjs`, the view as JSON
   * under `<path>/data`). Default `channels/dashboard`.
   */
  path?: string;
  /**
   * The app's guard: the page and its data answer only the requests it lets through (403
   * otherwise). Required: the dashboard shows topics and disconnect reasons of every node. The
   * page then joins the reserved dashboard topic with a short-lived grant it embeds; no join
   * without one succeeds.
   */
  guard: Type<CanActivate>;
  /** Modules whose providers the guard injects (the dashboard's module imports them). */
  imports?: ModuleMetadata['imports'];
  /** This node's name on the dashboard. Default its random node id (new at every start). */
  nodeName?: string;
  /** How often each node sends its figures to the others. Default 1000 (ms). */
  intervalMs?: number;
  /**
   * The key that signs the page's grants. Default: a random key of each process, so a page's
   * socket must reach the node that served the page. Give every node the same secret (at least
   * 32 random characters) when a load balancer may send them elsewhere.
   */
  secret?: string;
  /** How many intervals of messages per second the charts keep. Default 300 (5 minutes at 1 s). */
  historyLength?: number;
}
