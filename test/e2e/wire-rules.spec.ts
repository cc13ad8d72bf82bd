import { conformanceApp } from '../fixtures/conformance.app.js';
import { Journal } from '../fixtures/room.channel.js';
import { useTestApp } from '../support/app-scope.js';
import { describeEachTarget, servingBothTransports, WEBSOCKET_TARGETS } from '../support/matrix.js';
import { eventually } from '../support/phoenix-client.js';
import { useRawSockets, type WireFrame } from '../support/raw-socket.js';

// Frames are written in the 2.0.0 layout; for 1.0.0 the raw socket sends and reads the
// equivalent objects, so the same rules are checked on both wire formats.
// WebSocket only: these are raw `ws` frames, sent and read one at a time.
describeEachTarget(
  'wire rules',
  ({ platform, vsn }) => {
    const app = useTestApp(() => conformanceApp(platform, servingBothTransports()));
    const raw = useRawSockets(() => app.current.socketUrl, vsn);

    const ok = (jr: string | null, ref: string, topic: string, response: unknown): WireFrame => [
      jr,
      ref,
      topic,
      'phx_reply',
      { status: 'ok', response },
    ];

    test('a duplicate join closes the old join (phx_close with the old join_ref) before the new join answers', async () => {
      const socket = await raw.open();
      socket.send(['1', '1', 'room:dup', 'phx_join', {}]);
      expect(await socket.reply('1')).toEqual(ok('1', '1', 'room:dup', { joined: 'room:dup' }));
      socket.send(['2', '2', 'room:dup', 'phx_join', {}]);
      const newJoin = await socket.reply('2');
      expect(newJoin).toEqual(ok('2', '2', 'room:dup', { joined: 'room:dup' }));
      const closes = socket.frames.filter((frame) => frame[3] === 'phx_close');
      expect(closes).toEqual([['1', '1', 'room:dup', 'phx_close', {}]]);
      expect(socket.indexOf(closes[0])).toBeLessThan(socket.indexOf(newJoin));
      await eventually(() => app.get(Journal).terminationsOf('room:dup').length > 0, '@Terminate of the old join');
      expect(app.get(Journal).terminationsOf('room:dup')).toEqual(['duplicate_join']);
      socket.send(['2', '3', 'room:dup', 'echo', { still: 'here' }]);
      expect(await socket.reply('3')).toEqual(ok('2', '3', 'room:dup', { still: 'here' }));
    });

    test('a push to a topic not joined answers "unmatched topic"', async () => {
      const socket = await raw.open();
      socket.send(['5', '6', 'room:never-joined', 'echo', {}]);
      expect(await socket.reply('6')).toEqual([
        '5',
        '6',
        'room:never-joined',
        'phx_reply',
        { status: 'error', response: { reason: 'unmatched topic' } },
      ]);
    });

    test('a leave of a topic not joined answers ok', async () => {
      const socket = await raw.open();
      socket.send([null, '7', 'room:never-joined', 'phx_leave', {}]);
      expect(await socket.reply('7')).toEqual(ok(null, '7', 'room:never-joined', {}));
      expect(socket.frames.filter((frame) => frame[3] === 'phx_close')).toEqual([]);
    });

    test('a leave answers ok, then phx_close, and @Terminate runs with "leave"', async () => {
      const socket = await raw.open();
      socket.send(['8', '8', 'room:leaving', 'phx_join', {}]);
      await socket.reply('8');
      socket.send(['8', '9', 'room:leaving', 'phx_leave', {}]);
      const reply = await socket.reply('9');
      expect(reply).toEqual(ok('8', '9', 'room:leaving', {}));
      const close = await socket.waitFor((frame) => frame[3] === 'phx_close', 'phx_close');
      expect(close).toEqual(['8', '8', 'room:leaving', 'phx_close', {}]);
      expect(socket.indexOf(reply)).toBeLessThan(socket.indexOf(close));
      await eventually(() => app.get(Journal).terminationsOf('room:leaving').length > 0, '@Terminate');
      expect(app.get(Journal).terminationsOf('room:leaving')).toEqual(['leave']);
      socket.send(['8', '10', 'room:leaving', 'echo', {}]);
      expect((await socket.reply('10'))[4]).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });
    });

    test('a frame with a stale join_ref is dropped; the current one and a null join_ref are served', async () => {
      const socket = await raw.open();
      socket.send(['11', '11', 'room:stale', 'phx_join', {}]);
      await socket.reply('11');
      socket.send(['12', '12', 'room:stale', 'phx_join', {}]);
      await socket.reply('12');
      socket.send(['11', '13', 'room:stale', 'echo', { from: 'the old join' }]);
      socket.send(['12', '14', 'room:stale', 'echo', { from: 'the current join' }]);
      socket.send([null, '15', 'room:stale', 'echo', { from: 'no join ref' }]);
      expect(await socket.reply('14')).toEqual(ok('12', '14', 'room:stale', { from: 'the current join' }));
      expect(await socket.reply('15')).toEqual(ok(null, '15', 'room:stale', { from: 'no join ref' }));
      // Frames are handled in order, so a reply to 13 would have come before the one to 14.
      expect(socket.frames.filter((frame) => frame[1] === '13')).toEqual([]);
    });

    test('a heartbeat is answered on the "phoenix" topic', async () => {
      const socket = await raw.open();
      socket.send([null, '16', 'phoenix', 'heartbeat', {}]);
      expect(await socket.reply('16')).toEqual(ok(null, '16', 'phoenix', {}));
    });
  },
  WEBSOCKET_TARGETS,
);
