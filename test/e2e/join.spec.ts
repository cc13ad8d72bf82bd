import { conformanceApp } from '../fixtures/conformance.app.js';
import { Journal } from '../fixtures/room.channel.js';
import { useTestApp } from '../support/app-scope.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { useClients } from '../support/client-scope.js';
import { describeEachTarget, servingBothTransports } from '../support/matrix.js';
import { join } from '../support/phoenix-client.js';

describeEachTarget('join', (target) => {
  const logger = new CapturedLogger();
  const app = useTestApp(() => conformanceApp(target.platform, servingBothTransports(), { logger }));
  const clients = useClients(app, target);

  test('a join handler that returns answers ok with its value', async () => {
    const socket = await clients.connected();
    const channel = socket.channel('room:lobby', { nick: 'ann' });
    expect(await join(channel)).toEqual({ status: 'ok', response: { joined: 'room:lobby' } });
    expect(channel.state).toBe('joined');
  });

  test('a thrown ChannelException answers error with its reason and details', async () => {
    const socket = await clients.connected();
    expect(await join(socket.channel('room:forbidden'))).toEqual({
      status: 'error',
      response: { reason: 'forbidden room', room: 'room:forbidden' },
    });
  });

  test('an unexpected throw answers "join crashed", is logged once, and runs no @Terminate', async () => {
    const socket = await clients.connected();
    const channel = socket.channel('room:crash');
    expect(await join(channel)).toEqual({ status: 'error', response: { reason: 'join crashed' } });
    channel.leave(); // stop the client retrying the join
    expect(app.get(Journal).terminationsOf('room:crash')).toEqual([]);
    // Once, by Nest's ExceptionsHandler (with its stack), as for a controller.
    const errors = logger.entries.filter((entry) => entry.level === 'error' && entry.message.includes('join exploded'));
    expect(errors).toEqual([{ level: 'error', context: 'ExceptionsHandler', message: 'Error: join exploded' }]);
  });

  test('an expected refusal (ChannelException, guard) is not logged as an error', async () => {
    const socket = await clients.connected();
    const before = logger.entries.filter((entry) => entry.level === 'error').length;
    await join(socket.channel('room:forbidden'));
    await join(socket.channel('room:guarded-quietly', { deny: true }));
    expect(logger.entries.filter((entry) => entry.level === 'error').slice(before)).toEqual([]);
  });

  test('a guard refusing the join answers "unauthorized" without running the handler', async () => {
    const socket = await clients.connected();
    expect(await join(socket.channel('room:guarded', { deny: true }))).toEqual({
      status: 'error',
      response: { reason: 'unauthorized' },
    });
    expect(app.get(Journal).joinCount('room:guarded')).toBe(0);
  });

  test('a topic no channel routes answers "unmatched topic"', async () => {
    const socket = await clients.connected();
    expect(await join(socket.channel('nowhere:1'))).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });
  });

  test('a refused join leaves the socket and its other channels working', async () => {
    const socket = await clients.connected();
    const lobby = await clients.joined(socket, 'room:still-here');
    await join(socket.channel('room:forbidden'));
    expect(await join(socket.channel('lobby'))).toEqual({ status: 'ok', response: {} });
    expect(lobby.state).toBe('joined');
  });
});
