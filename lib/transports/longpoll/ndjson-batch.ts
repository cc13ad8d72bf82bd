/** Phoenix reads at most this many frames of one POST; the client never sends more. */
export const MAX_BATCH_LINES = 100;

export interface InboundFrame {
  data: Buffer;
  binary: boolean;
}

/**
 * Splits a long-poll POST body into frames: one per line, JSON text frames start with `[`
 * (2.0.0) or `{` (1.0.0), anything else is a base64 binary frame, as the phoenix client sends
 * ArrayBuffers. A body that is not ndjson is one text frame.
 */
export function parseBatch(body: Buffer, contentType: string | undefined): InboundFrame[] {
  if (!contentType?.startsWith('application/x-ndjson')) return [{ data: body, binary: false }];
  const frames: InboundFrame[] = [];
  for (const line of body.toString('utf8').split(/\r?\n/)) {
    if (frames.length === MAX_BATCH_LINES) break;
    if (line.length === 0) continue;
    const first = line[0];
    frames.push(
      first === '[' || first === '{'
        ? { data: Buffer.from(line, 'utf8'), binary: false }
        : { data: Buffer.from(line, 'base64'), binary: true },
    );
  }
  return frames;
}
