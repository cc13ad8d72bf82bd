/** The five servers of the inbound scenario, in the tables' order. */
export const INBOUND_SERVERS = ['channels-pipe', 'channels', 'nest-ws-pipe', 'nest-socketio-pipe', 'raw-ws'] as const;
export type InboundServerKind = (typeof INBOUND_SERVERS)[number];

/** How each server's clients speak: the Phoenix v2 frames, Nest's ws `{event, data}`, or Socket.IO acks. */
export type InboundProtocol = 'phoenix' | 'nest-ws' | 'socketio';

export const INBOUND_PROTOCOL: Record<InboundServerKind, InboundProtocol> = {
  'channels-pipe': 'phoenix',
  channels: 'phoenix',
  'nest-ws-pipe': 'nest-ws',
  'nest-socketio-pipe': 'socketio',
  // The same frames as nestjs-channels', so both parse and write the same bytes.
  'raw-ws': 'phoenix',
};

export const INBOUND_LABEL: Record<InboundServerKind, string> = {
  'channels-pipe': 'nestjs-channels `@HandleIn` + ValidationPipe',
  channels: 'nestjs-channels `@HandleIn`, no pipe',
  'nest-ws-pipe': 'Nest `@WebSocketGateway` on platform-ws + ValidationPipe',
  'nest-socketio-pipe': 'Nest gateway on platform-socket.io, acks, + ValidationPipe',
  'raw-ws': 'raw `ws`, JSON.parse + typeof check + reply',
};

/** Where the clients connect, per protocol, below `ws://127.0.0.1:<port>`. */
export const INBOUND_PATH: Record<InboundProtocol, string> = {
  phoenix: '/socket/websocket?vsn=2.0.0',
  'nest-ws': '/ws',
  socketio: '',
};
