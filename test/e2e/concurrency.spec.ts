import type { Channel as PhoenixChannel } from 'phoenix';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { describeEachTarget, servingBothTransports } from '../support/matrix.js';
import { eventually } from '../support/phoenix-client.js';

/** Pushes and records, in `arrivals`, the label once the reply comes. */
function pushRecording(arrivals: string[], channel: PhoenixChannel, event: string, payload: object, label: string): void {
  channel.push(event, payload, 3000).receive('ok', () => arrivals.push(label));
}

describeEachTarget('concurrency', (target) => {
  const app = useTestApp(() => conformanceApp(target.platform, servingBothTransports()));
  const clients = useClients(app, target);

  test('a slow handler on one channel holds up neither heartbeats nor other channels of the socket', async () => {
    const socket = await clients.connected();
    const slowChannel = await clients.joined(socket, 'room:slow');
    const quickChannel = await clients.joined(socket, 'room:quick');
    const arrivals: string[] = [];

    pushRecording(arrivals, slowChannel, 'slow', { ms: 500 }, 'slow');
    pushRecording(arrivals, quickChannel, 'echo', {}, 'other channel');
    socket.ping(() => arrivals.push('heartbeat'));

    await eventually(() => arrivals.length === 3, 'three replies');
    expect(arrivals.indexOf('slow')).toBe(2);
    expect(arrivals.slice(0, 2).sort()).toEqual(['heartbeat', 'other channel']);
  });

  test('the messages of one channel are handled in the order they were sent', async () => {
    const socket = await clients.connected();
    const channel = await clients.joined(socket, 'room:ordered');
    const arrivals: string[] = [];

    pushRecording(arrivals, channel, 'slow', { ms: 100 }, 'first (slow)');
    pushRecording(arrivals, channel, 'echo', {}, 'second');
    pushRecording(arrivals, channel, 'slow', { ms: 10 }, 'third (slow)');
    pushRecording(arrivals, channel, 'echo', {}, 'fourth');

    await eventually(() => arrivals.length === 4, 'four replies');
    expect(arrivals).toEqual(['first (slow)', 'second', 'third (slow)', 'fourth']);
  });
});
