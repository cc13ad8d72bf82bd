import {
  Inject,
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { RESOLVED_OPTIONS } from '../channels.tokens.js';
import { NODE_ID } from '../node-identity.js';
import { ShutdownHooksCheck } from '../shutdown-hooks-check.js';
import type { ResolvedChannelsOptions } from '../interfaces/channels-options.interface.js';
import { ChannelFanout } from '../fanout/channel-fanout.js';
import { PubSub } from '../pubsub/pubsub.js';
import type { Socket } from '../socket/socket.js';
import { DiffDispatcher } from './diff-dispatcher.js';
import { PresenceEnricher } from './presence-enricher.js';
import { PRESENCE_STATE } from './presence-events.js';
import { changesByTopic, diffsByTopic, groupByKey } from './presence-grouping.js';
import { PRESENCE_OPTIONS, resolvePresenceOptions, type PresenceOptions } from './presence-options.js';
import { PresenceRefs } from './presence-ref.js';
import { PresenceTracker } from './presence-tracker.js';
import type { Presences } from './presence.types.js';
import type { PresenceChanges } from './tracked-presence.js';
import { LargeRooms } from './large-rooms.js';
import { WindowDispatcher } from './window-dispatcher.js';
import { ChannelsError } from '../errors/channels.error.js';
import { ChannelsTypeError } from '../errors/channels-type.error.js';
import { describeValue } from '../options/describe-value.js';

/** Fields of a meta given to `track` or `update`; `phx_ref` and `phx_ref_prev` are set by `Presence`. */
export type PresenceMetaInput = Record<string, unknown>;

/**
 * Who is on each topic, on every node (Phoenix.Presence). Track a channel under a key (a user
 * id) with a meta; every subscriber of the topic gets `presence_diff` `{ joins, leaves }` on each
 * change, and `pushState()` gives a joining client the whole list as `presence_state`: the
 * phoenix client's `Presence` works with it unchanged. A presence leaves by itself when its
 * channel ends, however it ends; across nodes, presences are replicated over the configured
 * PubSub, and those of a node that stops responding leave after `downPeriodMs`.
 *
 * ```ts
 * @Join()
 * join(@ChannelSocket() socket: Socket<{ userId: string }>) {
 *   this.presence.track(socket, socket.assigns.userId, { online_at: Date.now() });
 *   this.presence.pushState(socket);
 * }
 * ```
 * @publicApi
 */
@Injectable()
export class Presence implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Presence');
  private readonly refs: PresenceRefs;
  /** Channels that track something, with the cancel of their end hook. */
  private readonly watched = new Map<string, () => void>();
  private tracker: PresenceTracker | undefined;
  private bootstrapped = false;
  private used = false;
  private enricher: PresenceEnricher;
  private dispatcher: DiffDispatcher;
  /** With a diff window (`diffWindowMs` > 0): diffs and states go out once per window. */
  private windows: WindowDispatcher | null = null;

  /** @internal Made by Nest's injector. */
  constructor(
    private readonly pubsub: PubSub,
    private readonly moduleRef: ModuleRef,
    @Inject(RESOLVED_OPTIONS) private readonly channelsOptions: ResolvedChannelsOptions,
    @Inject(NODE_ID) private readonly nodeId: string,
    private readonly shutdownHooks: ShutdownHooksCheck,
    private readonly fanout: ChannelFanout,
  ) {
    this.refs = new PresenceRefs(nodeId);
  }

  onModuleInit(): void {
    const options = resolvePresenceOptions(this.configuredOptions(), undefined, this.nodeId);
    this.enricher = new PresenceEnricher(options.fetch, this.logger);
    this.dispatcher = new DiffDispatcher(this.pubsub, this.enricher);
    if (options.diffWindowMs > 0) {
      const list = (topic: string) => this.tracker?.state.list(topic) ?? [];
      const largeRooms = options.largeRoom ? new LargeRooms(options.largeRoom) : null;
      this.windows = new WindowDispatcher(this.pubsub, this.fanout, this.enricher, list, options.diffWindowMs, largeRooms);
    }
    this.tracker = new PresenceTracker(this.pubsub, options, (changes) => this.publish(changes), undefined, this.nodeId);
  }

  /**
   * The tracker joins the other nodes on first use, after every `onModuleInit` (the PubSub
   * adapter is connected by then): an app that never uses `Presence` sends nothing for it.
   */
  onApplicationBootstrap(): void {
    this.bootstrapped = true;
    if (this.used) this.startTracker();
  }

  /** @internal The other nodes whose tracker this one hears (for the health indicator). */
  get peerNodes(): string[] {
    return this.tracker?.replicaNames() ?? [];
  }

  /** Tells the other nodes this one is leaving, so that its presences leave there at once. */
  beforeApplicationShutdown(): void {
    this.bootstrapped = false;
    this.tracker?.stop(true);
  }

  /**
   * Tracks `socket`'s channel as a presence under `key` on its topic, with `meta` (small and
   * JSON-serializable: it travels to every node). One presence per channel and key: a user with
   * two tabs is one key with two metas. Returns the meta's `phx_ref`, or null when the channel
   * has already ended (nothing is tracked). Throws when the channel already tracks `key`.
   */
  track(socket: Socket<object>, key: string | number, meta: PresenceMetaInput = {}): string | null {
    const tracker = this.started();
    checkKey('track', key);
    checkMeta('track', meta);
    if (socket.ended) return null;
    const ref = this.refs.next();
    tracker.track(socket.subscriberId, { topic: socket.topic, key: String(key), meta: { ...withoutRefs(meta), phx_ref: ref } });
    this.watch(socket);
    return ref;
  }

  /**
   * Replaces the meta of the channel's presence under `key`, with `meta` or what `meta(current)`
   * returns (`current` without its refs). Clients get a diff that joins the new meta, with a new
   * `phx_ref` and the old one as `phx_ref_prev`, and leaves the old one. Returns the new
   * `phx_ref`, or null when the channel has ended. Throws when the channel does not track `key`.
   */
  update(socket: Socket<object>, key: string | number, meta: PresenceMetaInput | ((current: PresenceMetaInput) => PresenceMetaInput)): string | null {
    const tracker = this.started();
    checkKey('update', key);
    if (socket.ended) return null;
    const current = tracker.state.get(socket.subscriberId, socket.topic, String(key));
    if (!current) {
      throw new ChannelsError(
        'CHANNELS_ERR_PRESENCE_NOT_TRACKED',
        `Presence.update(): "${String(key)}" is not tracked by this channel on "${socket.topic}"; track() it first`,
      );
    }
    const next = typeof meta === 'function' ? meta(withoutRefs(current.meta)) : meta;
    checkMeta('update', next);
    const ref = this.refs.next();
    const replacement = { ...withoutRefs(next), phx_ref: ref, phx_ref_prev: current.meta.phx_ref };
    tracker.update(socket.subscriberId, { topic: socket.topic, key: String(key), meta: replacement });
    return ref;
  }

  /**
   * Tracks the channel's presence under `key` with `meta`, or replaces its meta when the channel
   * already tracks `key` (as {@link update} does): for clients that send "track" again to change
   * what they show, as Supabase's realtime-js does. Returns the `phx_ref`, or null when the
   * channel has ended.
   */
  upsert(socket: Socket<object>, key: string | number, meta: PresenceMetaInput = {}): string | null {
    checkKey('upsert', key);
    const tracked = this.started().state.get(socket.subscriberId, socket.topic, String(key)) !== undefined;
    return tracked && !socket.ended ? this.update(socket, key, meta) : this.track(socket, key, meta);
  }

  /** Stops tracking the channel's presence under `key`; nothing happens when there is none. */
  untrack(socket: Socket<object>, key: string | number): void {
    const tracker = this.started();
    tracker.untrack(socket.subscriberId, socket.topic, String(key));
    if (!tracker.state.owns(socket.subscriberId)) this.unwatch(socket.subscriberId);
  }

  /** Every presence on a topic, from every node, as `presence_state` carries it, through `fetch`. */
  list(topic: string | Socket<object>): Promise<Presences> {
    const name = typeof topic === 'string' ? topic : topic.topic;
    return this.enricher.enrich(name, groupByKey(this.started().state.list(name)));
  }

  /**
   * Pushes `presence_state` (the topic's list) to this client. Call it in `@Join`, where the push
   * waits for the join reply, or later. The list is taken at the end of the current diff window
   * (`diffWindowMs`; at once with 0), shared by every client that asked during it, and the diffs
   * after it are relayed while the channel is still joining, so the client misses no change and
   * sees none twice. Resolves once pushed; it never rejects, so it need not be awaited.
   */
  pushState(socket: Socket<object>): Promise<void> {
    if (this.windows) {
      this.started();
      return this.windows.pushState(socket);
    }
    const presences = groupByKey(this.started().state.list(socket.topic));
    if (!socket.joined && !socket.ended) this.dispatcher.relayWhileJoining(socket);
    if (!this.enricher.active) {
      socket.push(PRESENCE_STATE, presences);
      return Promise.resolve();
    }
    return this.enricher.enrich(socket.topic, presences).then((enriched) => socket.push(PRESENCE_STATE, enriched));
  }

  private publish(changes: PresenceChanges): void {
    if (this.windows) {
      for (const [topic, changed] of changesByTopic(changes)) this.windows.changed(topic, changed);
      return;
    }
    for (const [topic, diff] of diffsByTopic(changes)) this.dispatcher.dispatch(topic, diff);
  }

  private watch(socket: Socket<object>): void {
    const owner = socket.subscriberId;
    if (this.watched.has(owner)) return;
    this.watched.set(
      owner,
      socket.onEnd(() => {
        this.watched.delete(owner);
        this.tracker?.untrackOwner(owner);
      }),
    );
  }

  private unwatch(owner: string): void {
    this.watched.get(owner)?.();
    this.watched.delete(owner);
  }

  private started(): PresenceTracker {
    const tracker = this.tracker;
    if (!tracker) {
      throw new ChannelsError(
        'CHANNELS_ERR_PRESENCE_NOT_READY',
        'Presence is used before the application was initialized: call it from channel handlers or after app.init() (or app.listen()), not from constructors',
      );
    }
    this.used = true;
    if (this.bootstrapped && !tracker.isRunning) this.startTracker();
    return tracker;
  }

  private startTracker(): void {
    this.tracker?.start();
    this.shutdownHooks.required('Presence is used');
  }

  /** `presence` of the module options, else `PRESENCE_OPTIONS` from whichever module provides it; defaults otherwise. */
  private configuredOptions(): PresenceOptions {
    if (this.channelsOptions.presence) return this.channelsOptions.presence;
    try {
      return this.moduleRef.get<PresenceOptions>(PRESENCE_OPTIONS, { strict: false }) ?? {};
    } catch {
      return {};
    }
  }
}

/** Keys reach clients as strings: a number reads the same back, anything else would not. */
function checkKey(method: string, key: unknown): void {
  const valid = (typeof key === 'string' && key.length > 0) || (typeof key === 'number' && Number.isFinite(key));
  if (!valid) {
    throw new ChannelsTypeError('CHANNELS_ERR_INVALID_ARGUMENT', `Presence.${method}(): the key must be a non-empty string or a finite number, got ${describeValue(key)}. For example the user's id.`);
  }
}

function checkMeta(method: string, meta: unknown): void {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw new ChannelsTypeError('CHANNELS_ERR_INVALID_ARGUMENT', `Presence.${method}(): the meta must be an object, got ${describeValue(meta)}. For example { online_at: Date.now() }.`);
  }
}

/** A copy of `meta` without the refs that `Presence` sets itself. */
function withoutRefs(meta: PresenceMetaInput): PresenceMetaInput {
  const copy = { ...meta };
  delete copy.phx_ref;
  delete copy.phx_ref_prev;
  return copy;
}
