/**
 * A client's frame that breaks STOMP: the session answers it with an `ERROR` frame whose
 * `message` header is this error's message, then closes (STOMP requires the close). Made without
 * a stack trace: it reports the client's fault, not this code's.
 */
export class StompFrameError extends Error {
  override readonly name = 'StompFrameError';
}

export function stompFrameError(message: string): StompFrameError {
  // Synchronous, so nothing else runs until the limit is restored.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new StompFrameError(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
