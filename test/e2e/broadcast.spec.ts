import { Announcer } from '../fixtures/announcer.service.js';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { describeEachTarget, servingBothTransports } from '../support/matrix.js';
import { recordMessages } from '../support/message-log.js';
import { collect, eventually, nextEvent, push } from '../support/phoenix-client.js';

describeEachTarget('broadcast', (target) => {
  const app = useTestApp(() => conformanceApp(target.platform, servingBothTransports()));
  const clients = useClients(app, target);

  /** One client per nick, each joined to `topic`. */
  async function members(topic: string, ...nicks: string[]) {
    return Promise.all(nicks.map(async (nick) => clients.joined(await clients.connected(), topic, { nick })));
  }

  /** A client joined to `topic`, and its socket. */
  async function member(topic: string, nick: string) {
    const socket = await clients.connected();
    return { socket, channel: await clients.joined(socket, topic, { nick }) };
  }

  test('socket.broadcast() reaches every client on the topic, the sender included', async () => {
    const [ann, bob, cid] = await members('room:b1', 'ann', 'bob', 'cid');
    const outsider = await member('room:elsewhere', 'dan');
    const seenByOutsider = recordMessages(outsider.socket);
    const arrivals = [ann, bob, cid].map((channel) => nextEvent(channel, 'shout'));
    expect(await push(ann, 'shout', { text: 'hello all' })).toEqual({ status: 'ok', response: { sent: true } });
    expect(await Promise.all(arrivals)).toEqual([{ text: 'hello all' }, { text: 'hello all' }, { text: 'hello all' }]);
    // The outsider's own round trip comes after anything the server sent it before.
    await push(outsider.channel, 'echo', {});
    expect(seenByOutsider.filter((message) => message.event === 'shout')).toEqual([]);
  });

  test('socket.broadcastFrom() reaches the others but not the sender', async () => {
    const [ann, bob, cid] = await members('room:b2', 'ann', 'bob', 'cid');
    const whispersToAnn = collect(ann, 'whisper');
    const arrivals = [bob, cid].map((channel) => nextEvent(channel, 'whisper'));
    ann.push('whisper', { text: 'psst' }, 100); // whisper sends no reply: keep its timeout short
    expect(await Promise.all(arrivals)).toEqual([{ text: 'psst' }, { text: 'psst' }]);
    // A broadcast Ann sends afterwards reaches her after the whisper would have.
    const shout = nextEvent(ann, 'shout');
    await push(ann, 'shout', { text: 'after' });
    await shout;
    expect(whispersToAnn).toEqual([]);
  });

  test('a service broadcasting through ChannelsServer reaches the clients on the topic', async () => {
    const [ann, bob] = await members('room:b3', 'ann', 'bob');
    const arrivals = [ann, bob].map((channel) => nextEvent(channel, 'announcement'));
    app.get(Announcer).announce('room:b3', { text: 'maintenance at noon' });
    expect(await Promise.all(arrivals)).toEqual([{ text: 'maintenance at noon' }, { text: 'maintenance at noon' }]);
  });

  test('a service broadcasting through PubSub reaches the clients on the topic', async () => {
    const [ann] = await members('room:b4', 'ann');
    const arrival = nextEvent(ann, 'news');
    app.get(Announcer).publish('room:b4', 'news', { n: 1 });
    expect(await arrival).toEqual({ n: 1 });
  });

  test('an intercepting @HandleOut filters one subscriber while the others get the event', async () => {
    const [ann, bob, cid] = await members('room:b5', 'ann', 'bob', 'cid');
    const secrets = [ann, bob, cid].map((channel) => collect(channel, 'secret'));
    await push(ann, 'secret', { hideFrom: 'bob', text: 'surprise party' });
    await push(ann, 'secret', { hideFrom: 'nobody', text: 'cake at 5' });
    // Intercepted events go through each channel in order, so once Bob has the second one he
    // would have had the first.
    await eventually(() => secrets.every((seen) => seen.some((payload) => payload.text === 'cake at 5')), 'everyone got the second secret');
    const [toAnn, toBob, toCid] = secrets;
    expect(toAnn).toEqual([{ hideFrom: 'bob', text: 'surprise party' }, { hideFrom: 'nobody', text: 'cake at 5' }]);
    expect(toCid).toEqual(toAnn);
    expect(toBob).toEqual([{ hideFrom: 'nobody', text: 'cake at 5' }]);
  });

  test('a client that left the topic gets no more broadcasts', async () => {
    const [ann] = await members('room:b6', 'ann');
    const bob = await member('room:b6', 'bob');
    const bobElsewhere = await clients.joined(bob.socket, 'room:b6-other', { nick: 'bob' });
    await new Promise<void>((resolve) => bob.channel.leave().receive('ok', () => resolve()));
    const toBob = recordMessages(bob.socket);
    await push(ann, 'shout', { text: 'anyone?' });
    // Bob's socket stays open: his round trip on another channel comes after the broadcast.
    await push(bobElsewhere, 'echo', {});
    expect(toBob.filter((message) => message.event === 'shout')).toEqual([]);
  });
});
