/** WebSocket close codes the server uses, and why. @publicApi */
export const CloseCode = {
  /** Idle timeout: nothing (not even a heartbeat) arrived within `idleTimeoutMs`. */
  normal: 1000,
  /** `disconnect(socketId)`: the client reconnects and authenticates again. */
  goingAway: 1001,
  /** A frame the serializer cannot decode. */
  malformed: 1007,
  /** Policy: the socket kept flooding past its rate limit. */
  policyViolation: 1008,
  /** A frame over `maxFrameSize` (sent by `ws` itself). */
  tooLarge: 1009,
  /** Server shutting down: clients reconnect, to another node if there is one. */
  serviceRestart: 1012,
} as const;
