/** What `parseFrame` returns for a frame that is not JSON. */
export const NOT_JSON = Symbol('not JSON');

/**
 * Parses a text frame, without the stack trace V8 would capture for the SyntaxError of a frame
 * that is not JSON: a malformed frame is a client's fault, and a flood of them should cost the
 * server as little as possible (see `protocolError`). Synchronous, so nothing else runs until
 * the limit is restored.
 */
export function parseFrame(data: Buffer): unknown {
  const text = data.toString('utf8');
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  } finally {
    Error.stackTraceLimit = limit;
  }
}
