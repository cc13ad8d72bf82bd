import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { describeEachTarget, servingBothTransports } from '../support/matrix.js';
import { push } from '../support/phoenix-client.js';

// A frame the server cannot accept but whose header it could read is answered on that frame's
// own push: the official client's error callback fires, instead of its push timing out. The
// phoenix client sends such a frame when a payload nests deeper than maxPayloadDepth.

const nest = (depth: number): unknown => (depth === 1 ? {} : { inner: nest(depth - 1) });

// First in the file: the warning is node-wide and at most one line per 10 s, and the blocks below
// send malformed frames too.
describe('the warning about malformed frames', () => {
  const target = { platform: 'express', transport: 'websocket', vsn: '2.0.0' } as const;
  const app = useTestApp(() => conformanceApp(target.platform, servingBothTransports({ maxPayloadDepth: 8 })));
  const clients = useClients(app, target);

  test("is logged at a socket's first malformed frame, saying what was wrong, and not for its next ones", async () => {
    const warnings: string[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    try {
      const channel = await clients.joined(await clients.connected(), 'room:warn', { nick: 'ann' });
      for (let i = 0; i < 3; i++) expect(await push(channel, 'echo', nest(9))).toMatchObject({ status: 'error' });
      const lines = warnings.filter((line) => line.includes('malformed frame'));
      expect(lines).toEqual([expect.stringMatching(/^Socket \S+ \(websocket, serializer 2\.0\.0\) sent a malformed frame on "room:warn": the payload nests deeper than 8 levels\. /)]);
    } finally {
      jest.restoreAllMocks();
    }
  });
});

describeEachTarget('a malformed frame with a readable header', (target) => {
  const app = useTestApp(() => conformanceApp(target.platform, servingBothTransports({ maxPayloadDepth: 8 })));
  const clients = useClients(app, target);
  // The warning is the other block's subject; here it would only fill the output.
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  test('gets its error reply on its own push, and the channel keeps serving', async () => {
    const channel = await clients.joined(await clients.connected(), 'room:malformed', { nick: 'ann' });
    expect(await push(channel, 'echo', nest(9))).toEqual({
      status: 'error',
      response: { reason: 'malformed frame', detail: 'the payload nests deeper than 8 levels' },
    });
    expect(await push(channel, 'echo', nest(8))).toEqual({ status: 'ok', response: nest(8) });
    expect(channel.state).toBe('joined');
  });
});
