import { once } from 'node:events';
import { request } from 'node:http';

/** A long-poll answer: always HTTP 200, the status the client acts on is in the body. */
export interface LongPollAnswer {
  status: number;
  token?: string;
  messages?: string[];
}

/** Raw long-poll requests, for the wire-level cases the phoenix client hides. */
export class LongPollHttp {
  constructor(readonly baseUrl: string) {}

  url(query: Record<string, string> = {}): string {
    const search = new URLSearchParams({ vsn: '2.0.0', ...query });
    return `${this.baseUrl}/longpoll?${search}`;
  }

  async get(query: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<LongPollAnswer> {
    const response = await fetch(this.url(query), { headers: { accept: 'application/json', ...headers } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return (await response.json()) as LongPollAnswer;
  }

  async post(token: string, lines: string[] | string, query: Record<string, string> = {}): Promise<LongPollAnswer> {
    const body = Array.isArray(lines) ? lines.join('\n') : lines;
    const response = await fetch(this.url({ ...query, token }), {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as LongPollAnswer;
  }

  /** Opens a session as the client's first GET does; returns its token. */
  async open(query: Record<string, string> = { token: 'letmein' }): Promise<string> {
    const answer = await this.get(query);
    expect(answer.status).toBe(410);
    expect(typeof answer.token).toBe('string');
    return answer.token!;
  }

  /** Polls until a message arrives or the window passes; returns the decoded frames. */
  async poll(token: string): Promise<{ status: number; frames: unknown[] }> {
    const answer = await this.get({ token });
    return { status: answer.status, frames: (answer.messages ?? []).map((message) => JSON.parse(message)) };
  }
}

/**
 * POSTs a chunked body that never ends on its own (64 KiB chunks, honouring backpressure) until
 * the server closes the connection, or `maxChunks` were sent. Resolves with the long-poll status
 * the server answered (if any) and how many chunks went out before the connection closed.
 */
export async function endlessUpload(url: string, maxChunks = 4096): Promise<{ status: number | undefined; chunks: number; closed: boolean }> {
  const upload = request(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' } });
  let status: number | undefined;
  let closed = false;
  upload.on('response', (response) => {
    let text = '';
    response.on('data', (chunk: Buffer) => (text += chunk.toString()));
    response.on('end', () => (status = (JSON.parse(text) as { status: number }).status));
  });
  upload.on('error', () => (closed = true));
  upload.on('close', () => (closed = true));
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let chunks = 0;
  while (!closed && chunks < maxChunks) {
    chunks++;
    if (!upload.write(chunk)) await Promise.race([once(upload, 'drain'), once(upload, 'close')]).catch(() => undefined);
  }
  if (!closed) upload.destroy();
  await new Promise((resolve) => setImmediate(resolve));
  return { status, chunks, closed };
}
