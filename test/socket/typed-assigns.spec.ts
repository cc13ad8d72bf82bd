import { Assigns, ChannelSocket, type ConnectingSocket, type Socket } from '../../lib/index.js';
import { PendingSocket } from '../../lib/socket/connecting-socket.js';

// The type checks here run in `npm test`'s typecheck: each @ts-expect-error line must not compile.

interface RoomAssigns {
  user: { id: number };
  room: string;
}

/** Code written against typed assigns, as a channel handler would be. */
function roomOf(socket: Socket<RoomAssigns>): string {
  socket.assign('room', 'lobby');
  socket.assign({ room: 'lobby' });
  return socket.assigns.room;
}

/** The same for a socket handler. */
function connect(socket: ConnectingSocket<RoomAssigns>): void {
  socket.assign('user', { id: 1 });
}

/** Never called: what must not compile. */
export function mistakes(socket: Socket<RoomAssigns>, connecting: ConnectingSocket<RoomAssigns>): void {
  // @ts-expect-error a room is a string
  socket.assign('room', 42);
  // @ts-expect-error no such assign
  socket.assign('rooom', 'lobby');
  // @ts-expect-error a user is { id }
  connecting.assign('user', 'ann');
}

class TypedChannel {
  handler(@Assigns<RoomAssigns>('room') room: string, @ChannelSocket() socket: Socket<RoomAssigns>): string {
    return `${room}${roomOf(socket)}`;
  }

  // @ts-expect-error the key is checked against the assigns type
  misspelt(@Assigns<RoomAssigns>('rooom') room: string): string {
    return room;
  }
}

test('a connecting socket assigns one key or several, typed or not', () => {
  const socket = new PendingSocket('2.0.0');
  connect(socket as ConnectingSocket<RoomAssigns>);
  socket.assign({ extra: true });
  expect(socket.assigns).toEqual({ user: { id: 1 }, extra: true });
  expect(typeof TypedChannel).toBe('function');
});
