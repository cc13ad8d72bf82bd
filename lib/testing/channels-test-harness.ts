import type { INestApplicationContext } from '@nestjs/common';
import type { ConnectInfo, Presences } from 'nestjs-channels';
import { ChannelsRuntime } from '../channels-runtime.js';
import { Presence } from '../presence/presence.js';
import { selectSerializer } from '../serializers/serializer-registry.js';
import { endpointPath } from '../transports/endpoint-path.js';
import { CallSite, ChannelAssertionError, ConnectionRefusedError } from './errors.js';
import { InProcessTransport } from './in-process-transport.js';
import { awaitPresence } from './presence-assertions.js';
import { TestSocket } from './test-socket.js';
import { resolveTimeouts, type ChannelsTestOptions, type Timeouts } from './timeouts.js';
import { TopicSubscription } from './topic-subscription.js';
import { ChannelsError } from '../errors/channels.error.js';

/** The serializer test clients speak: the phoenix client's default. */
const VSN = '2.0.0';

/** Connect params as the phoenix client sends them: values end up as query-string text. */
export type ConnectParams = Record<string, string | number | boolean>;

/**
 * Tests channels without a network (Phoenix's `ChannelTest` for Nest). Built from a Nest
 * `TestingModule` or application that imports `ChannelsModule`, it connects test clients through
 * the real socket handler and joins and pushes through the real channel handlers, guards, pipes,
 * interceptors and filters, over an in-process transport that decodes every server frame.
 * Call `close()` after each test, and close the module after all.
 * @publicApi
 */
export class ChannelsTestHarness {
  private readonly sockets = new Set<TestSocket>();
  private readonly subscriptions = new Map<string, TopicSubscription>();

  private constructor(
    private readonly runtime: ChannelsRuntime,
    private readonly presence: Presence,
    private readonly timeouts: Timeouts,
  ) {}

  /**
   * Initializes `app` if it is not yet (so channels are discovered) and returns a harness on
   * its channels. Throws when `ChannelsModule` is not part of `app`.
   */
  static async create(app: INestApplicationContext, options: ChannelsTestOptions = {}): Promise<ChannelsTestHarness> {
    const timeouts = resolveTimeouts(options);
    await app.init();
    let runtime: ChannelsRuntime;
    try {
      runtime = app.get(ChannelsRuntime, { strict: false });
    } catch {
      throw new ChannelsError(
        'CHANNELS_ERR_HARNESS_NO_CHANNELS_MODULE',
        'ChannelsTestHarness.create(): the module has no ChannelsModule; import ChannelsModule.forRoot() in it',
      );
    }
    return new ChannelsTestHarness(runtime, app.get(Presence, { strict: false }), timeouts);
  }

  /**
   * Resolves with the presence list of `topic` once it holds `key` with a meta matching `meta`
   * (subset match, like `toMatchObject`; any meta when omitted); fails after the timeout with the
   * list it last saw.
   */
  assertPresence(topic: string, key: string, meta?: Record<string, unknown>, timeoutMs = this.timeouts.assert): Promise<Presences> {
    return awaitPresence(this.presence, new CallSite(this.assertPresence), 'assertPresence', topic, key, meta, true, timeoutMs);
  }

  /** Resolves once `topic` has no presence under `key` (with a meta matching `meta`, if given). */
  async refutePresence(topic: string, key: string, meta?: Record<string, unknown>, timeoutMs = this.timeouts.assert): Promise<void> {
    await awaitPresence(this.presence, new CallSite(this.refutePresence), 'refutePresence', topic, key, meta, false, timeoutMs);
  }

  /**
   * Connects a test client through the app's socket handler, with `params` as the client's
   * connect params (`vsn` is added, as the phoenix client does) and `connectInfo` overriding
   * the defaults (`transport: 'websocket'`, no headers, address `127.0.0.1`, no auth token).
   * Rejects with a `ConnectionRefusedError` when the socket handler refuses.
   */
  async connect(params: ConnectParams = {}, connectInfo: Partial<ConnectInfo> = {}): Promise<TestSocket> {
    const site = new CallSite(this.connect);
    const serializer = selectSerializer(VSN, this.runtime.options.serializers);
    if (!serializer) {
      throw new ChannelsError(
        'CHANNELS_ERR_HARNESS_SERIALIZER',
        `ChannelsTestHarness speaks serializer ${VSN}, which the ChannelsModule "serializers" option leaves out: add "${VSN}" to it in the test module`,
      );
    }
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(params)) query[key] = String(value);
    query.vsn = VSN;
    const info: ConnectInfo = {
      transport: 'websocket',
      headers: {},
      address: '127.0.0.1',
      authToken: undefined,
      url: `${endpointPath(this.runtime.options.path, 'websocket')}?${new URLSearchParams(query).toString()}`,
      ...connectInfo,
    };
    const accepted = await this.runtime.authorize(query, info, VSN);
    if (!accepted) throw site.fail(new ConnectionRefusedError(query));
    const transport = new InProcessTransport(info.transport);
    const connection = this.runtime.open(transport, serializer, accepted);
    const socket = new TestSocket(connection, transport, (topic) => this.subscribe(topic), this.timeouts);
    this.sockets.add(socket);
    return socket;
  }

  /**
   * Records every broadcast on `topic` from now on, for `assertBroadcast` and `refuteBroadcast`
   * (one subscription per topic, shared by the channels joined on it). Note that it counts in
   * `PubSub.subscriberCount(topic)` until `close()`.
   */
  subscribe(topic: string): TopicSubscription {
    let subscription = this.subscriptions.get(topic);
    if (!subscription) {
      subscription = new TopicSubscription(topic, this.runtime.pubsub, this.timeouts);
      this.subscriptions.set(topic, subscription);
    }
    return subscription;
  }

  /**
   * Closes every test socket (their channels terminate with `'closed'`), ends every topic
   * subscription and fails assertions still waiting, so no timer outlives the test.
   */
  async close(): Promise<void> {
    const ended = () => new ChannelAssertionError('the channels test harness was closed while an assertion waited');
    const sockets = [...this.sockets];
    this.sockets.clear();
    await Promise.all(sockets.map((socket) => socket.close()));
    for (const socket of sockets) socket.transport.cancelWaits(ended);
    for (const subscription of this.subscriptions.values()) subscription.unsubscribe();
    this.subscriptions.clear();
  }
}
