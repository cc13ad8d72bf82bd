import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { LongPoll, type Socket as PhoenixSocket } from 'phoenix';
import { jest } from '@jest/globals';
import { ChannelsModule, PubSub, PUBSUB_ADAPTER, RedisPubSubAdapter, type PubSubAdapter } from '../../lib/index.js';
import { describeWhen, REDIS_URL, redisAnswers, uniquePrefix } from '../fixtures/nodes/redis.js';
import { PubSubLink } from '../support/linked-pubsub.js';
import { createClient, join, nextEvent, push } from '../support/phoenix-client.js';
import { LongPollChannel, LongPollJournal, LongPollSocketHandler } from './fixtures.js';
import { LongPollHttp } from './lp-http.js';

const SECRET = 'a-shared-long-poll-secret';

async function startNode(adapter: PubSubAdapter): Promise<{ app: INestApplication; port: number }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ChannelsModule.forRoot({
        transports: ['longpoll'],
        socketHandler: LongPollSocketHandler,
        longpoll: { windowMs: 300, secret: SECRET },
        malformedFrameAllowance: false,
      }),
    ],
    providers: [LongPollChannel, LongPollJournal, LongPollSocketHandler],
  })
    .overrideProvider(PUBSUB_ADAPTER)
    .useValue(adapter)
    .compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  return { app, port: app.getHttpServer().address().port };
}

/** Sends each request of the phoenix client to the next node in turn, as a round-robin balancer. */
function roundRobinFetch(realFetch: typeof fetch, ports: number[]): typeof fetch {
  let next = 0;
  return (input, init) => {
    const url = new URL(String(input));
    url.port = String(ports[next++ % ports.length]);
    return realFetch(url, init);
  };
}

/** Two nodes' PubSub adapters: linked in this process, or on the real Redis. */
type AdapterPair = () => [PubSubAdapter, PubSubAdapter];

const linked: AdapterPair = () => {
  const link = new PubSubLink();
  return [link.adapter('a'), link.adapter('b')];
};

const onRedis: AdapterPair = () => {
  const prefix = uniquePrefix('longpoll');
  return [new RedisPubSubAdapter({ redis: REDIS_URL, prefix }), new RedisPubSubAdapter({ redis: REDIS_URL, prefix })];
};

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);

describeBalanced('an in-process link', linked, describe);
describeBalanced('Redis', onRedis, describeRedis);

function describeBalanced(name: string, adapters: AdapterPair, describeBlock: (name: string, body: () => void) => void): void {
  describeBlock(`long-poll behind a round-robin balancer (two nodes, shared PubSub: ${name})`, () => {
    let nodes: Array<{ app: INestApplication; port: number }>;
    const realFetch = globalThis.fetch;
    let client: PhoenixSocket | undefined;

    beforeAll(async () => {
      const [a, b] = adapters();
      nodes = [await startNode(a), await startNode(b)];
    });
    afterEach(() => {
      client?.disconnect();
      globalThis.fetch = realFetch;
    });
    afterAll(async () => {
      for (const node of nodes) await node.app.close();
    });

    test('every poll and post may land on either node', async () => {
      const http = nodes.map((node) => new LongPollHttp(`http://127.0.0.1:${node.port}/socket`));
      const token = await http[0].open();
      // The post reaches node B; the session lives on node A.
      expect(await http[1].post(token, [JSON.stringify(['1', '1', 'lp:rr', 'phx_join', {}])])).toEqual({ status: 200 });
      expect(await http[1].poll(token)).toEqual({
        status: 200,
        frames: [['1', '1', 'lp:rr', 'phx_reply', { status: 'ok', response: { transport: 'longpoll', user: 'someone' } }]],
      });
      expect(await http[1].get({ token })).toEqual({ status: 204, token, messages: [] });
    });

    test('the phoenix client works unchanged when its requests alternate between nodes', async () => {
      globalThis.fetch = roundRobinFetch(realFetch, nodes.map((node) => node.port));
      client = createClient(`ws://127.0.0.1:${nodes[0].port}/socket`, { transport: LongPoll, params: { token: 'letmein' } } as never);
      const opened = new Promise<void>((resolve) => client!.onOpen(() => resolve()));
      client.connect();
      await opened;
      const channel = client.channel('lp:balanced');
      expect(await join(channel)).toEqual({ status: 'ok', response: { transport: 'longpoll', user: 'someone' } });
      for (let i = 0; i < 6; i++) expect(await push(channel, 'echo', { i })).toEqual({ status: 'ok', response: { i } });
      const shout = nextEvent(channel, 'shout');
      await push(channel, 'shout', { loud: true });
      expect(await shout).toEqual({ loud: true });
    });

    test('the node that held an ended session answers 410 at once, forwarding nothing', async () => {
      const http = new LongPollHttp(`http://127.0.0.1:${nodes[0].port}/socket`);
      const token = await http.open();
      expect(await http.post(token, 'not-json-nor-a-frame')).toEqual({ status: 410 }); // ends the session here
      const published = jest.spyOn(nodes[0].app.get(PubSub), 'publishControl');
      expect(await http.get({ token })).toEqual({ status: 410 });
      expect(await http.post(token, [])).toEqual({ status: 410 });
      expect(published).not.toHaveBeenCalled();
      published.mockRestore();
    });

    test('a token for a session no node holds is gone (410) once the owner fails to answer', async () => {
      const http = new LongPollHttp(`http://127.0.0.1:${nodes[1].port}/socket`);
      const token = await http.open();
      const other = new LongPollHttp(`http://127.0.0.1:${nodes[0].port}/socket`);
      // Without an allowance, a malformed frame ends the session on its owner (close 1007); then ask the other node for it.
      expect(await http.post(token, 'not-json-nor-a-frame')).toEqual({ status: 410 });
      expect(await other.get({ token })).toEqual({ status: 410 });
    });
  });
}
