import { Logger } from '@nestjs/common';
import { Presence as PhoenixPresence } from 'phoenix';
import type { ChannelFanout } from '../../lib/fanout/channel-fanout.js';
import { PresenceEnricher } from '../../lib/presence/presence-enricher.js';
import type { PresenceFetch, Presences } from '../../lib/presence/presence.types.js';
import type { TrackedPresence } from '../../lib/presence/tracked-presence.js';
import { WindowDispatcher } from '../../lib/presence/window-dispatcher.js';
import type { PubSub } from '../../lib/pubsub/pubsub.js';
import type { BroadcastMessage } from '../../lib/pubsub/broadcast-message.js';
import { PreEncodedPayload } from '../../lib/serializers/pre-encoded-payload.js';
import type { Socket } from '../../lib/socket/socket.js';
import { eventually } from '../support/phoenix-client.js';

const TOPIC = 'room:1';
let refs = 0;
const presence = (key: string): TrackedPresence => ({ topic: TOPIC, key, meta: { phx_ref: `r${refs++}` } });

/** A channel as the dispatcher sees it, recording what reaches its client, pushed or broadcast. */
class FakeChannel {
  readonly received: Array<[string, any]> = [];
  joined: boolean;
  ended = false;

  constructor(
    readonly subscriberId: string,
    /** Joined and subscribed to the fan-out, or still joining. */
    joined: boolean,
  ) {
    this.joined = joined;
  }

  get topic(): string {
    return TOPIC;
  }

  push(event: string, payload: unknown): void {
    this.received.push([event, payload instanceof PreEncodedPayload ? payload.value : payload]);
  }

  onEnd(): () => void {
    return () => undefined;
  }

  /** The list phoenix.js `Presence` ends with, from what this client received. */
  clientState(): Record<string, unknown> {
    let state = {};
    for (const [event, payload] of this.received) {
      if (event === 'presence_state') state = PhoenixPresence.syncState(state, structuredClone(payload));
      if (event === 'presence_diff') state = PhoenixPresence.syncDiff(state, structuredClone(payload));
    }
    return state;
  }

  events(): string[] {
    return this.received.map(([event]) => event);
  }
}

/** A window dispatcher over fake channels: the joined ones form the fan-out. */
function setup(fetch?: PresenceFetch) {
  const present: TrackedPresence[] = [];
  const channels: FakeChannel[] = [];
  const pubsub = { subscriberCount: () => 1, localBroadcastBeside: () => undefined } as unknown as PubSub;
  const fanout = {
    deliverInSlices: async (message: BroadcastMessage, skip: (id: string) => boolean) => {
      for (const channel of channels.filter((candidate) => candidate.joined && !candidate.ended)) {
        if (!skip(channel.subscriberId)) channel.push(message.event, message.payload);
      }
    },
  } as unknown as ChannelFanout;
  const enricher = new PresenceEnricher(fetch, new Logger('test'));
  const dispatcher = new WindowDispatcher(pubsub, fanout, enricher, () => [...present], 1);
  const channel = (id: string, joined: boolean) => {
    const made = new FakeChannel(id, joined);
    channels.push(made);
    return made;
  };
  const join = (joined: TrackedPresence) => {
    present.push(joined);
    dispatcher.changed(TOPIC, { joins: [joined], leaves: [] });
  };
  const leave = (left: TrackedPresence) => {
    present.splice(present.indexOf(left), 1);
    dispatcher.changed(TOPIC, { joins: [], leaves: [left] });
  };
  const pushState = (target: FakeChannel) => dispatcher.pushState(target as unknown as Socket<object>);
  return { present, dispatcher, channel, join, leave, pushState };
}

const refsIn = (state: Record<string, unknown>) =>
  Object.values(state as Presences)
    .flatMap((entry) => entry.metas.map((meta) => meta.phx_ref))
    .sort();

describe('WindowDispatcher: a joiner misses no change and sees none twice', () => {
  it('a channel still joining gets the state, then the later windows relayed, then them through the fan-out once joined', async () => {
    const room = setup();
    const [ann, bob, cat] = [presence('ann'), presence('bob'), presence('cat')];
    const member = room.channel('member', true);
    const joiner = room.channel('joiner', false);
    room.join(ann);
    await room.pushState(joiner);
    expect(joiner.events()).toEqual(['presence_state']);
    room.join(bob);
    await eventually(() => joiner.received.length === 2, 'bob relayed to the joiner');
    joiner.joined = true;
    room.join(cat);
    await eventually(() => joiner.received.length === 3 && member.received.length === 3, 'cat through the fan-out');
    expect(joiner.events()).toEqual(['presence_state', 'presence_diff', 'presence_diff']);
    expect(refsIn(joiner.clientState())).toEqual(refsIn(member.clientState()));
    expect(refsIn(joiner.clientState())).toEqual([ann, bob, cat].map((p) => p.meta.phx_ref).sort());
  });

  it('a ref back within the window of a joiner: the joiner gets one state with it, and no diff of it', async () => {
    const room = setup();
    const [ann, remote] = [presence('ann'), presence('remote')];
    room.join(ann);
    room.join(remote);
    const member = room.channel('member', true);
    await room.pushState(member);
    const joiner = room.channel('joiner', true);
    const stated = room.pushState(joiner);
    room.leave(remote);
    room.join(remote); // a replica seen down and back: this splits the window
    await stated;
    await eventually(() => member.events().filter((event) => event === 'presence_diff').length === 2, 'the member gets both diffs');
    expect(joiner.events()).toEqual(['presence_state']);
    expect(refsIn(joiner.clientState())).toEqual([ann.meta.phx_ref, remote.meta.phx_ref].sort());
    expect(refsIn(member.clientState())).toEqual(refsIn(joiner.clientState()));
  });

  it('with a slow fetch, a channel that asks for the state while an earlier window is being fetched never gets that window', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let fetching = 0;
    const room = setup(async (_topic, presences) => {
      fetching++;
      await gate;
      return presences;
    });
    const [ann, bob] = [presence('ann'), presence('bob')];
    const member = room.channel('member', true);
    room.join(ann);
    // The window of ann's join closed and waits for fetch; meanwhile a joined channel asks.
    await eventually(() => fetching > 0, 'the first window is being fetched');
    const late = room.channel('late', true);
    const stated = room.pushState(late);
    room.join(bob);
    release();
    await stated;
    await eventually(() => refsIn(member.clientState()).length === 2, 'the member gets both joins');
    expect(late.events()).toEqual(['presence_state']);
    expect(refsIn(late.clientState())).toEqual([ann.meta.phx_ref, bob.meta.phx_ref].sort());
  });
});
