import type { Socket as PhoenixSocket } from 'phoenix';
import { Presence } from '../../lib/index.js';
import { useTestApp } from '../support/app-scope.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { useClients } from '../support/client-scope.js';
import { SERIALIZER_VERSIONS } from '../support/matrix.js';
import { collect, disconnect, eventually, join, push } from '../support/phoenix-client.js';
import { useRawSockets } from '../support/raw-socket.js';
import { PresenceJournal, PresenceRoomChannel } from './support/presence-room.channel.js';
import { PresenceWatcher } from './support/presence-watcher.js';

let topics = 0;
const freshTopic = () => `presence:room${topics++}`;

describe.each(SERIALIZER_VERSIONS)('the phoenix client Presence, vsn %s', (vsn) => {
  const logger = new CapturedLogger();
  const app = useTestApp(() => ({ providers: [PresenceRoomChannel, PresenceJournal], logger }));
  const clients = useClients(app, vsn);
  const rawSockets = useRawSockets(() => app.current.socketUrl, vsn);
  const presence = () => app.get(Presence);

  /** A client on its own socket (unless given one) that joins `topic` as `user` with a Presence watching. */
  async function enter(topic: string, user: string | null, extra: Record<string, unknown> = {}, on?: PhoenixSocket) {
    const socket = on ?? (await clients.connected());
    const channel = socket.channel(topic, user ? { user, ...extra } : extra);
    const watcher = new PresenceWatcher(channel);
    const reply = await join(channel);
    if (reply.status !== 'ok') throw new Error(`join refused: ${JSON.stringify(reply)}`);
    return { socket, channel, watcher };
  }

  const serverKeys = async (topic: string) => Object.keys(await presence().list(topic)).sort();

  it('shows two users to each other, with onJoin for the newcomer', async () => {
    const topic = freshTopic();
    const ann = await enter(topic, 'ann', { device: 'laptop' });
    await eventually(() => ann.watcher.keys().join() === 'ann', 'ann sees herself');
    const bob = await enter(topic, 'bob');
    await eventually(() => ann.watcher.keys().join() === 'ann,bob', 'ann sees bob');
    await eventually(() => bob.watcher.keys().join() === 'ann,bob', 'bob gets both in presence_state');

    expect(ann.watcher.eventsOf('join', 'bob')).toHaveLength(1);
    const [annMeta] = bob.watcher.state().ann!;
    expect(annMeta).toEqual({ device: 'laptop', phx_ref: expect.any(String) });
    expect(ann.watcher.state().ann![0].phx_ref).toBe(annMeta.phx_ref);
    expect(await presence().list(topic)).toEqual({
      ann: { metas: [{ device: 'laptop', phx_ref: annMeta.phx_ref }] },
      bob: { metas: [{ device: 'web', phx_ref: expect.any(String) }] },
    });
  });

  it('lists one user on two sockets as one key with two metas, and keeps one when a socket goes', async () => {
    const topic = freshTopic();
    const watcher = (await enter(topic, null)).watcher;
    await enter(topic, 'ann', { device: 'laptop' });
    const phone = await enter(topic, 'ann', { device: 'phone' });
    await eventually(() => watcher.state().ann?.length === 2, 'two metas for ann');
    expect(watcher.state().ann!.map((meta) => meta.device).sort()).toEqual(['laptop', 'phone']);

    await disconnect(phone.socket);
    await eventually(() => watcher.state().ann?.length === 1, 'one meta left for ann');
    expect(watcher.state().ann![0].device).toBe('laptop');
    expect(watcher.eventsOf('leave', 'ann')).toEqual([{ kind: 'leave', key: 'ann', refs: [expect.any(String)], remaining: 1 }]);
  });

  it('updates a meta with a new phx_ref and the old one as phx_ref_prev', async () => {
    const topic = freshTopic();
    const bob = await enter(topic, 'bob');
    const diffs = collect(bob.channel, 'presence_diff');
    const ann = await enter(topic, 'ann');
    await eventually(() => bob.watcher.keys().join() === 'ann,bob', 'bob sees ann');
    const before = bob.watcher.state().ann![0].phx_ref;

    const reply = await push(ann.channel, 'status', { status: 'away' });
    expect(reply).toEqual({ status: 'ok', response: { ref: expect.any(String) } });
    await eventually(() => bob.watcher.state().ann?.[0].status === 'away', 'bob sees ann away');
    expect(bob.watcher.state().ann).toEqual([{ device: 'web', status: 'away', phx_ref: reply.response.ref, phx_ref_prev: before }]);
    expect(diffs.at(-1)).toEqual({
      joins: { ann: { metas: [{ device: 'web', status: 'away', phx_ref: reply.response.ref, phx_ref_prev: before }] } },
      leaves: { ann: { metas: [{ device: 'web', phx_ref: before }] } },
    });
    expect(ann.watcher.state().ann).toHaveLength(1);
  });

  it('upsert tracks a key the channel does not track, and replaces the meta of one it does', async () => {
    const topic = freshTopic();
    const bob = await enter(topic, 'bob');
    const ann = await enter(topic, 'ann');
    const first = await push(ann.channel, 'upsert', { key: 'ann-cursor', meta: { x: 1 } });
    expect(first).toEqual({ status: 'ok', response: { ref: expect.any(String) } });
    await eventually(() => bob.watcher.state()['ann-cursor']?.[0].x === 1, 'bob sees the new key');
    const second = await push(ann.channel, 'upsert', { key: 'ann-cursor', meta: { x: 2 } });
    await eventually(() => bob.watcher.state()['ann-cursor']?.[0].x === 2, 'bob sees the meta replaced');
    expect(bob.watcher.state()['ann-cursor']).toEqual([{ x: 2, phx_ref: second.response.ref, phx_ref_prev: first.response.ref }]);
    await push(ann.channel, 'upsert', { meta: { device: 'tablet' } });
    await eventually(() => bob.watcher.state().ann?.[0].device === 'tablet', 'the joined key replaced too');
    expect(bob.watcher.state().ann).toHaveLength(1);
  });

  it.each([[''], [{ id: 1 }], [true]])('refuses the presence key %p: the handler crashes with a clear error', async (key) => {
    const topic = freshTopic();
    const ann = await enter(topic, 'ann');
    const crashed = new Promise((resolve) => ann.channel.onError(resolve));
    ann.channel.push('upsert', { key, meta: {} });
    await crashed;
    await eventually(() => logger.entries.some((entry) => entry.message.includes('the key must be a non-empty string or a finite number')), 'the crash is logged');
  });

  const endings: Array<[string, (client: { socket: PhoenixSocket; channel: any }) => Promise<unknown>]> = [
    ['the client leaves', ({ channel }) => new Promise((resolve) => channel.leave().receive('ok', resolve))],
    ['the socket disconnects', ({ socket }) => disconnect(socket)],
    ['a handler crashes', ({ channel }) => channel.push('boom', {})],
    ['the channel stops itself', ({ channel }) => push(channel, 'stop')],
    ['the channel untracks', ({ channel }) => push(channel, 'untrack')],
  ];

  it.each(endings)('removes the presence when %s', async (_how, end) => {
    const topic = freshTopic();
    const bob = await enter(topic, 'bob');
    const ann = await enter(topic, 'ann');
    await eventually(() => bob.watcher.keys().join() === 'ann,bob', 'bob sees ann');
    const annRef = bob.watcher.state().ann![0].phx_ref;

    await end(ann);
    await eventually(() => bob.watcher.eventsOf('leave', 'ann').some((event) => event.refs.includes(annRef)), 'ann leaves');
    const metas = (await presence().list(topic)).ann?.metas ?? [];
    expect(metas.map((meta) => meta.phx_ref)).not.toContain(annRef);
  });

  it('replaces the presence of a channel joined again on the same socket (duplicate join)', async () => {
    const topic = freshTopic();
    const raw = await rawSockets.open();
    raw.send(['1', '1', topic, 'phx_join', { user: 'ann' }]);
    await raw.waitFor((frame) => frame[3] === 'presence_state' && frame[0] === '1', 'first state');
    const [first] = (await presence().list(topic)).ann!.metas;
    raw.send(['2', '2', topic, 'phx_join', { user: 'ann' }]);
    await raw.waitFor((frame) => frame[3] === 'presence_state' && frame[0] === '2', 'second state');
    const metas = (await presence().list(topic)).ann!.metas;
    expect(metas).toHaveLength(1);
    expect(metas[0]!.phx_ref).not.toBe(first!.phx_ref);
  });

  it('sends presence_state right after the join reply', async () => {
    const topic = freshTopic();
    await enter(topic, 'bob');
    const raw = await rawSockets.open();
    raw.send(['1', '1', topic, 'phx_join', { user: 'ann' }]);
    await raw.waitFor((frame) => frame[3] === 'presence_state', 'the state');
    const [reply, state] = raw.frames;
    expect(reply).toEqual(['1', '1', topic, 'phx_reply', { status: 'ok', response: {} }]);
    expect(state).toEqual(['1', null, topic, 'presence_state', { ann: { metas: [expect.anything()] }, bob: { metas: [expect.anything()] } }]);
  });

  it('relays the changes made while a channel was still joining after it got the state', async () => {
    const topic = freshTopic();
    const socket = await clients.connected();
    const channel = socket.channel(topic, { user: 'ann', holdMs: 300 });
    const watcher = new PresenceWatcher(channel);
    const joined = join(channel);
    await eventually(() => app.get(PresenceJournal).trackedOn(topic).length > 0, 'ann is tracked, her join still running');
    await enter(topic, 'bob');
    expect((await joined).status).toBe('ok');
    await eventually(() => watcher.keys().join() === 'ann,bob', 'ann sees bob, who came during her join');
  });

  it('leaves nothing behind for a join that tracked and was then refused', async () => {
    const topic = freshTopic();
    const socket = await clients.connected();
    const reply = await join(socket.channel(topic, { user: 'ann', refuse: true }));
    expect(reply).toEqual({ status: 'error', response: { reason: 'refused' } });
    expect(app.get(PresenceJournal).trackedOn(topic)).toEqual(['ann']);
    expect(await serverKeys(topic)).toEqual([]);
  });

  it('keeps a key that is also an Object.prototype property apart from the prototype', async () => {
    const topic = freshTopic();
    const bob = await enter(topic, 'bob');
    await enter(topic, '__proto__');
    await enter(topic, 'constructor');
    await eventually(() => bob.watcher.keys().length === 3, 'bob sees the three keys');
    expect(await serverKeys(topic)).toEqual(['__proto__', 'bob', 'constructor']);
  });
});
