import { conformanceApp } from '../fixtures/conformance.app.js';
import { Journal } from '../fixtures/room.channel.js';
import { useTestApp } from '../support/app-scope.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { useClients } from '../support/client-scope.js';
import { describeEachTarget, servingBothTransports } from '../support/matrix.js';
import { recordCloses, recordMessages } from '../support/message-log.js';
import { eventually, push, sleep } from '../support/phoenix-client.js';
import { joinRefOf } from '../support/phoenix-internals.js';

const REJOIN_AFTER_MS = 50;

describeEachTarget('channel lifecycle', (target) => {
  const logger = new CapturedLogger();
  const app = useTestApp(() => conformanceApp(target.platform, servingBothTransports(), { logger }));
  const clients = useClients(app, target, { rejoinAfterMs: () => REJOIN_AFTER_MS });

  test('a crash in a handler sends phx_error, the client rejoins by itself, and the socket keeps working', async () => {
    const journal = app.get(Journal);
    const socket = await clients.connected();
    const socketCloses = recordCloses(socket);
    const crashing = await clients.joined(socket, 'room:crashy', { nick: 'ann' });
    const bystander = await clients.joined(socket, 'room:bystander');
    const firstJoinRef = joinRefOf(crashing);
    const messages = recordMessages(socket);

    crashing.push('boom', {}, 100);
    await eventually(() => messages.some((message) => message.event === 'phx_error'), 'phx_error');
    expect(messages.find((message) => message.event === 'phx_error')).toEqual({
      topic: 'room:crashy',
      event: 'phx_error',
      payload: {},
      join_ref: firstJoinRef,
      ref: firstJoinRef,
    });

    await eventually(() => journal.joinCount('room:crashy') === 2 && crashing.state === 'joined', 'the client rejoined');
    expect(joinRefOf(crashing)).not.toBe(firstJoinRef);
    await eventually(() => journal.terminationsOf('room:crashy').length > 0, '@Terminate of the crashed channel');
    expect(journal.terminationsOf('room:crashy')).toEqual(['crash']);
    expect(await push(crashing, 'echo', { back: true })).toEqual({ status: 'ok', response: { back: true } });
    expect(await push(bystander, 'echo', { unaffected: true })).toEqual({ status: 'ok', response: { unaffected: true } });
    expect(journal.joinCount('room:bystander')).toBe(1);
    expect(socketCloses).toEqual([]);
    // Once, by Nest's ExceptionsHandler (with its stack), as for a controller.
    const errors = logger.entries.filter((entry) => entry.level === 'error' && entry.message.includes('handler exploded'));
    expect(errors).toEqual([{ level: 'error', context: 'ExceptionsHandler', message: 'Error: handler exploded' }]);
  });

  test('socket.stop() replies, then sends phx_close; the client does not rejoin', async () => {
    const journal = app.get(Journal);
    const socket = await clients.connected();
    const channel = await clients.joined(socket, 'room:stopper');
    const other = await clients.joined(socket, 'room:stays');
    const joinRef = joinRefOf(channel);
    const messages = recordMessages(socket);
    const seen: string[] = [];
    channel.onClose(() => {
      seen.push('phx_close');
    });
    channel.push('leave_me', {}).receive('ok', (response: unknown) => {
      seen.push(`reply ${JSON.stringify(response)}`);
    });

    await eventually(() => seen.length === 2, 'the reply and phx_close');
    expect(seen).toEqual(['reply {"bye":true}', 'phx_close']);
    expect(messages.find((message) => message.event === 'phx_close')).toEqual({
      topic: 'room:stopper',
      event: 'phx_close',
      payload: {},
      ref: joinRef,
      join_ref: joinRef,
    });
    await eventually(() => journal.terminationsOf('room:stopper').length > 0, '@Terminate');
    expect(journal.terminationsOf('room:stopper')).toEqual(['asked']);

    // Proving that nothing happens takes waiting: several rejoin periods.
    await sleep(REJOIN_AFTER_MS * 4);
    expect(channel.state).toBe('closed');
    expect(journal.joinCount('room:stopper')).toBe(1);
    expect(messages.filter((message) => message.topic === 'room:stopper' && message.event === 'phx_reply')).toHaveLength(1);
    expect(await push(other, 'echo', { fine: true })).toEqual({ status: 'ok', response: { fine: true } });
  });
});
