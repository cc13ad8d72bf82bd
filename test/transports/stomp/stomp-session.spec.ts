import type { IncomingMessage } from 'node:http';
import { SharedFrame } from '../../../lib/fanout/shared-frame.js';
import type { DecodedInboundConnection, TransportConnection } from '../../../lib/interfaces/transport.interface.js';
import type { Frame, InboundMessage } from '../../../lib/protocol/messages.js';
import type { AcceptedConnection } from '../../../lib/socket/socket-acceptor.js';
import type { TransportHost } from '../../../lib/transports/transport-host.interface.js';
import type { WsTransportConnection } from '../../../lib/transports/websocket/ws-transport-connection.js';
import { StompFrameParser } from '../../../lib/transports/stomp/stomp-frame-parser.js';
import { StompHeartbeats } from '../../../lib/transports/stomp/stomp-heartbeats.js';
import { StompSerializer } from '../../../lib/transports/stomp/stomp-serializer.js';
import { StompSession, type StompSessionContext } from '../../../lib/transports/stomp/stomp-session.js';

// The session is a STOMP connection's one object: the frames it reads, the connection the channel
// layer writes to and its subscriptions. A fake channel layer below it, a fake socket above.

/** One parser for every session, as the transport has. */
const parser = new StompFrameParser({ maxFrameBytes: 4096, maxHeaders: 16, maxHeaderBytes: 256 });

function serve() {
  const writes: string[] = [];
  const closes: Array<[number, string]> = [];
  const writer = {
    send: (frame: Frame) => void writes.push(Buffer.from(frame.data as Buffer).toString()),
    close: (code: number, reason: string) => void closes.push([code, reason]),
    ping: () => {},
    closeReason: undefined,
  } as unknown as WsTransportConnection;
  const handled: InboundMessage[] = [];
  let transportClosed = 0;
  const inbound: DecodedInboundConnection = {
    handleMessage: (message) => void handled.push(message),
    handlePing: () => true,
    handleFrame: () => {},
    transportClosed: () => void transportClosed++,
  };
  const opened: TransportConnection[] = [];
  const host: TransportHost = {
    authorize: async () => ({}) as AcceptedConnection,
    open: (transport) => {
      opened.push(transport);
      return inbound;
    },
  };
  const context: StompSessionContext = {
    host,
    heartbeats: new StompHeartbeats(1_000, 30_000),
    offer: { sendMs: 0, receiveMs: 0 },
    parser,
    maxPayloadDepth: 32,
    maxSubscriptions: 4,
    connectTimeoutMs: 10_000,
    connecting: new Set(),
  };
  const request = { headers: {}, url: '/socket/stomp', socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
  const session = new StompSession(writer, request, context);
  const receive = (text: string) => session.receive(Buffer.from(text));
  return { session, receive, writes, closes, handled, opened, transportClosed: () => transportClosed };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('the session is the connection it opens: subscribe, join reply, broadcast, disconnect', async () => {
  const { session, receive, writes, closes, handled, opened, transportClosed } = serve();
  receive('CONNECT\naccept-version:1.2\nhost:x\n\n\0');
  await settle();
  expect(opened).toEqual([session]);
  expect(session.name).toBe('stomp');
  expect(writes.shift()).toMatch(/^CONNECTED\nversion:1\.2\nheart-beat:0,0\n/);

  receive('SUBSCRIBE\nid:sub-0\ndestination:/topic/room:a\nreceipt:r1\nsince:5\n\n\0SUBSCRIBE\nid:sub-1\ndestination:/topic/room:a\n\n\0');
  expect(handled).toHaveLength(1);
  expect(handled[0]).toMatchObject({ joinRef: '1', ref: '1', topic: 'room:a', event: 'phx_join', payload: { since: '5' } });
  expect(session.size).toBe(2);
  session.send(StompSerializer.escaped.encodeReply({ joinRef: '1', ref: '1', topic: 'room:a', status: 'ok', response: { ok: 1 } }));
  expect(writes.splice(0)).toEqual([
    expect.stringMatching(/^MESSAGE\ndestination:\/topic\/room\\ca\nsubscription:sub-0\n.*reply-to:subscribe\nstatus:ok\n/s),
    'RECEIPT\nreceipt-id:r1\n\n\0',
    expect.stringMatching(/^MESSAGE\n.*subscription:sub-1\n.*reply-to:subscribe\n/s),
  ]);

  const broadcast = StompSerializer.escaped.encodeMessage({ joinRef: null, ref: null, topic: 'room:a', event: 'new_msg', payload: { body: 'hi' } });
  session.send(new SharedFrame(broadcast.data as Buffer, broadcast.binary, false));
  expect(writes.splice(0).map((text) => /subscription:([^\n]+)/.exec(text)?.[1])).toEqual(['sub-0', 'sub-1']);

  receive('UNSUBSCRIBE\nid:sub-0\n\n\0');
  session.send(new SharedFrame(broadcast.data as Buffer, broadcast.binary, false));
  expect(writes.splice(0).map((text) => /subscription:([^\n]+)/.exec(text)?.[1])).toEqual(['sub-1']);

  receive('DISCONNECT\nreceipt:bye\n\n\0');
  expect(writes.splice(0)).toEqual(['RECEIPT\nreceipt-id:bye\n\n\0']);
  expect([transportClosed(), closes, session.isClosed]).toEqual([1, [[1000, 'disconnect']], true]);
});

test('an error after CONNECTED is an ERROR frame and the close, through the same object', async () => {
  const { receive, writes, closes, transportClosed } = serve();
  receive('CONNECT\naccept-version:1.2\nhost:x\n\n\0');
  await settle();
  writes.splice(0);
  receive('SEND\ndestination:/topic/room:a\nreceipt:r9\n\n\0');
  expect(writes).toEqual([expect.stringMatching(/^ERROR\nmessage:SEND needs an "event" header[^\n]*\nreceipt-id:r9\n/)]);
  expect([transportClosed(), closes]).toEqual([1, [[1008, 'SEND needs an "event" header: the @HandleIn event it runs']]]);
});

test('a frame split over messages is kept by the session, not by the parser it shares', async () => {
  const one = serve();
  const two = serve();
  one.receive('CONNECT\naccept-');
  two.receive('CONNECT\naccept-version:1.2\n\n\0');
  expect(one.session.unfinished?.toString()).toBe('CONNECT\naccept-');
  one.receive('version:1.2\n\n\0');
  await settle();
  expect([one.writes[0], two.writes[0]]).toEqual([expect.stringMatching(/^CONNECTED\n/), expect.stringMatching(/^CONNECTED\n/)]);
  expect(one.session.unfinished).toBeUndefined();
});
