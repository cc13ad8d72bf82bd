/** Phoenix reads at most this many frames of one POST; the client never sends more. */
export const MAX_BATCH_LINES = 100;

export interface InboundFrame {
  data: Buffer;
  binary: boolean;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;

/**
 * Splits a long-poll POST body into frames: one per line, JSON text frames start with `[`
 * (2.0.0) or `{` (1.0.0), anything else is a base64 binary frame, as the phoenix client sends
 * ArrayBuffers. A body that is not ndjson is one text frame. Lines are found one at a time and
 * the scan stops after {@link MAX_BATCH_LINES} lines, empty ones included: a body of newlines
 * costs no more than the lines read.
 */
export function parseBatch(body: Buffer, contentType: string | undefined): InboundFrame[] {
  if (!contentType?.startsWith('application/x-ndjson')) return [{ data: body, binary: false }];
  const frames: InboundFrame[] = [];
  let start = 0;
  for (let lines = 0; lines < MAX_BATCH_LINES && start <= body.length; lines++) {
    let end = body.indexOf(NEWLINE, start);
    if (end === -1) end = body.length;
    const lineEnd = end > start && body[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    if (lineEnd > start) frames.push(frameOf(body.subarray(start, lineEnd)));
    start = end + 1;
  }
  return frames;
}

function frameOf(line: Buffer): InboundFrame {
  const first = line[0];
  if (first === OPEN_BRACKET || first === OPEN_BRACE) return { data: Buffer.from(line), binary: false };
  return { data: Buffer.from(line.toString('latin1'), 'base64'), binary: true };
}
