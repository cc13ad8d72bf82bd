import type { IncomingMessage, ServerResponse } from 'node:http';

/** Long-poll answers are always HTTP 200; the status the client acts on is in the JSON body. */
export function sendStatusJson(response: ServerResponse, body: { status: number; token?: string; messages?: string[] }): void {
  if (response.writableEnded || response.destroyed) return;
  const json = JSON.stringify(body);
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
    'access-control-allow-origin': '*',
  });
  response.end(json);
}

/**
 * Answers a request whose body is left unread (refused before it, or too large) and closes the
 * connection once the answer is out: keeping it alive would make Node read and discard the rest
 * of the body, however long a client keeps sending it.
 */
export function sendStatusJsonAndClose(request: IncomingMessage, response: ServerResponse, body: { status: number }): void {
  if (!response.headersSent) response.setHeader('connection', 'close');
  response.once('finish', () => request.socket.destroy());
  sendStatusJson(response, body);
}

/** CORS preflight, as Phoenix answers it. */
export function sendPreflight(request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '',
    'access-control-allow-methods': 'get, post, options',
    'access-control-max-age': '3600',
    'content-length': 0,
  });
  response.end();
}

export class BodyTooLargeError extends Error {}

/** Reads a request body up to `limit` bytes; rejects with `BodyTooLargeError` past it. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (declared > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Paused, not drained: the answer closes the connection instead of reading the rest.
        request.removeAllListeners('data');
        request.pause();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
