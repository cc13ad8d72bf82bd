import type { IncomingMessage } from 'node:http';
import type { Type } from '@nestjs/common';
import type { SerializerVersion } from '../serializers/serializer.interface.js';
import type { SocketHandler } from './socket-handler.interface.js';

export type TransportName = 'websocket' | 'longpoll';

/** `false`: any origin; `true`: same host as the request; a list: those origins (`https://*.example.com`). */
export type OriginCheck = boolean | string[] | ((origin: string, request: IncomingMessage) => boolean);

/** Options of `ChannelsModule.forRoot()`; every field has a default. @publicApi */
export interface ChannelsModuleOptions {
  /** Socket mount path; transports live under it (`/socket/websocket`). Default `'/socket'`. */
  path?: string;
  /** Transports to serve. Default `['websocket']`. */
  transports?: TransportName[];
  /** Accepts or refuses connections; a provider class or an instance. Default: accept everyone. */
  socketHandler?: Type<SocketHandler> | SocketHandler;
  /** A socket that sends nothing (not even a heartbeat) for this long is closed. Default 60 000 ms. */
  idleTimeoutMs?: number;
  /** Serializer versions accepted from clients. Default `['1.0.0', '2.0.0']`. */
  serializers?: SerializerVersion[];
  /** Largest inbound frame in bytes; a larger one closes the socket with 1009. Default 1 MiB. */
  maxFrameSize?: number;
  /** Browser origins allowed to connect (Phoenix's `check_origin`). Default `true` (same host). */
  checkOrigin?: OriginCheck;
  /** Channels one socket may join at once (Phoenix's default 100). */
  maxChannelsPerSocket?: number;
}

/** Options with every default applied. */
export type ResolvedChannelsOptions = Required<Omit<ChannelsModuleOptions, 'socketHandler'>> &
  Pick<ChannelsModuleOptions, 'socketHandler'>;
