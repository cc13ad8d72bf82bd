import type { WebSocket } from 'ws';

/** The parts of ws's PerMessageDeflate this touches (ws 8, lib/permessage-deflate.js). */
interface WsDeflateExtension {
  _inflate: { close(): void } | null;
}
type WithExtensions = WebSocket & { _extensions?: Record<string, WsDeflateExtension | undefined> };

/**
 * Frees the zlib inflate stream `ws` keeps for a socket once a whole message has been read. The
 * server negotiates `client_no_context_takeover`, so no message needs the previous one's window,
 * but ws only resets its stream and keeps it (about 50 KB with its output buffer) for the life of
 * the socket: every browser compresses every message, heartbeats included, so each idle browser
 * connection would hold one. ws creates a new one for the next compressed message (about 20 µs).
 * Called between messages only, when ws is not inflating: a message's fragments share one stream.
 */
export function releaseInflater(ws: WebSocket): void {
  const extension = (ws as WithExtensions)._extensions?.['permessage-deflate'];
  const inflate = extension?._inflate;
  if (!extension || !inflate) return;
  extension._inflate = null;
  inflate.close();
}
