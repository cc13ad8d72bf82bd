/**
 * Parameter kinds of channel handlers. SOCKET and PAYLOAD share Nest's `WsParamtype` numbers,
 * so `@ConnectedSocket()` and `@MessageBody()` from `@nestjs/websockets` work here too.
 */
export enum ChannelParamtype {
  SOCKET = 0,
  PAYLOAD = 3,
  TOPIC = 40,
  ASSIGNS = 41,
  REF = 42,
  EVENT = 43,
  REASON = 44,
}
