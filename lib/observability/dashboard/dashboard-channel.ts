import type { ChannelDefinition } from '../../discovery/channel-definition.js';
import { ChannelException } from '../../errors/channel.exception.js';
import { LibraryTopic } from '../../protocol/reserved.js';
import type { Socket } from '../../socket/socket.js';
import type { DashboardGrants } from './dashboard-grant.js';

/** The push that carries the cluster view to the page. */
export const VIEW_EVENT = 'view';

/**
 * The dashboard's channel on the reserved topic `phx_dashboard`: no app route reaches it, and its
 * join succeeds only with a valid grant from the guarded page (see DashboardGrants). Every joined
 * page gets the view at once, then at every interval.
 */
export class DashboardChannel {
  readonly topic = LibraryTopic.dashboard;
  readonly definition: ChannelDefinition;
  private readonly viewers = new Set<Socket>();

  constructor(grants: DashboardGrants, view: () => unknown) {
    const noHandlers = new Map();
    this.definition = {
      name: 'ChannelsDashboard',
      pattern: this.topic,
      history: undefined,
      join: async (...args: unknown[]) => {
        const [socket, payload] = args as [Socket, { grant?: unknown } | null];
        const verdict = grants.verify(payload?.grant);
        if (verdict !== 'ok') throw new ChannelException('unauthorized', { grant: verdict });
        this.viewers.add(socket);
        socket.push(VIEW_EVENT, view());
        return {};
      },
      handleIn: noHandlers,
      catchAll: undefined,
      handleOut: noHandlers,
      terminate: (_reason, socket) => void this.viewers.delete(socket as Socket),
    };
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Pushes `view` to every joined page; nothing is computed when none is open. */
  pushView(view: () => unknown): void {
    if (this.viewers.size === 0) return;
    const current = view();
    for (const socket of this.viewers) socket.push(VIEW_EVENT, current);
  }
}
