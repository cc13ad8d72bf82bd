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
