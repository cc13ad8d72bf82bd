import { Channel, HandleIn, Join, Payload } from '../../lib/index.js';
import { RawSocket, type WireFrame } from '../support/raw-socket.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const HANDLER_WAIT_MS = 5000;

@Channel('wait:*')
class WaitingChannel {
  @Join()
  join() {
    return {};
  }

  /** A handler stuck on a slow dependency (a database, a remote API) for `ms`. */
  @HandleIn('wait')
  async wait(@Payload() payload: { ms: number }) {
    await new Promise((resolve) => setTimeout(resolve, payload.ms));
    return { waited: payload.ms };
  }

  @HandleIn('echo')
  echo(@Payload() payload: unknown) {
    return payload;
  }
}

let server: TestApp;

beforeAll(async () => {
  server = await startTestApp({ providers: [WaitingChannel], channels: { rateLimit: false } });
});
afterAll(() => server.close());

/** Issue 10, item 10. */
test('a handler that awaits 5 s delays neither heartbeat replies nor the other channels of its socket', async () => {
  const socket = await RawSocket.open(server.socketUrl);
  socket.send(['1', '1', 'wait:slow', 'phx_join', {}]);
  socket.send(['2', '2', 'wait:quick', 'phx_join', {}]);
  await socket.reply('1');
  await socket.reply('2');

  const isSlowReply = (frame: WireFrame) => frame[3] === 'phx_reply' && frame[1] === 'slow';
  const started = Date.now();
  socket.send(['1', 'slow', 'wait:slow', 'wait', { ms: HANDLER_WAIT_MS }]);

  // Rounds spread over the first 3 s of the wait: each must be answered while the handler still waits.
  const roundTrips: string[] = [];
  for (let round = 0; round < 4; round++) {
    const nextRoundAt = started + round * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextRoundAt - Date.now())));
    const sentAt = Date.now();
    socket.send([null, `hb${round}`, 'phoenix', 'heartbeat', {}]);
    socket.send(['2', `echo${round}`, 'wait:quick', 'echo', { round }]);
    expect((await socket.reply(`hb${round}`))[4]).toEqual({ status: 'ok', response: {} });
    expect((await socket.reply(`echo${round}`))[4]).toEqual({ status: 'ok', response: { round } });
    expect(socket.frames.some(isSlowReply)).toBe(false);
    roundTrips.push(`${sentAt - started} ms in: ${Date.now() - sentAt} ms`);
  }

  const slowReply = await socket.waitFor(isSlowReply, 'the slow handler reply', HANDLER_WAIT_MS + 5000);
  expect(slowReply[4]).toEqual({ status: 'ok', response: { waited: HANDLER_WAIT_MS } });
  console.log(`heartbeat + other-channel round trips during a ${HANDLER_WAIT_MS} ms handler: ${roundTrips.join('; ')}`);
  socket.close();
}, 20_000);
