import type { ClientProtocol } from '../clients/bench-connection.interface.js';
import type { ServerKind } from '../servers/bench-server.interface.js';

/** Phoenix-protocol servers get raw V2 clients; Socket.IO gets socket.io-client. */
export const CLIENT_PROTOCOL: Record<ServerKind, ClientProtocol> = {
  'nestjs-channels': 'phoenix-v2',
  'ws-prebuilt': 'phoenix-v2',
  'ws-send': 'phoenix-v2',
  socketio: 'socketio',
  'nestjs-channels-stomp': 'stomp',
  'ws-prebuilt-stomp': 'stomp',
  'ws-deflate': 'phoenix-v2-deflate',
};

/** How each server is named in the tables. */
export const SERVER_LABEL: Record<ServerKind, string> = {
  'nestjs-channels': 'nestjs-channels (`@Channel`, `ChannelsServer.broadcast`)',
  'ws-prebuilt': 'raw ws, one pre-built frame per socket',
  'ws-send': 'raw ws, `send(string)` per socket',
  socketio: 'Socket.IO 4 rooms (`@nestjs/platform-socket.io`)',
  'nestjs-channels-stomp': 'nestjs-channels over STOMP (`/socket/stomp`)',
  'ws-prebuilt-stomp': 'raw ws, one pre-built STOMP MESSAGE frame per socket',
  'ws-deflate': 'raw ws, `perMessageDeflate` per socket',
};
