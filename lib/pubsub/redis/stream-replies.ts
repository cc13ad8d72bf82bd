import type { Position } from '../../history/position.js';
import { ENTRY_ENVELOPE, ENTRY_TIME } from './history-scripts.js';
import type { StreamEntry, StreamRange } from './history-sequencer.js';
import { decodeEnvelope } from './redis-envelope.js';

/** The top script's answer: `[epoch, offset]`. */
export function parseTop(reply: unknown): Position {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string' || reply[0] === '' || !Number.isSafeInteger(Number(reply[1]))) {
    throw new Error(`unexpected answer from the history script: ${JSON.stringify(reply)}`);
  }
  return { epoch: reply[0], offset: Number(reply[1]) };
}

/**
 * The range script's answer: `[epoch, now, [[id, [field, value, ...]], ...]]`. An entry that is
 * not one of ours (written by hand) is left out, so it counts as not held.
 */
export function parseRange(topic: string, reply: unknown): StreamRange {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string' || !Array.isArray(reply[2])) {
    throw new Error(`unexpected answer from the history script: ${JSON.stringify(reply)}`);
  }
  const epoch = reply[0];
  const entries: StreamEntry[] = [];
  for (const raw of reply[2] as unknown[]) {
    const entry = parseEntry(topic, epoch, raw);
    if (entry) entries.push(entry);
  }
  return { epoch, now: Number(reply[1]), entries };
}

function parseEntry(topic: string, epoch: string, raw: unknown): StreamEntry | undefined {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string' || !Array.isArray(raw[1])) return undefined;
  const [id, fields] = raw as [string, unknown[]];
  const offset = Number(id.slice(0, id.indexOf('-')));
  let envelope: unknown;
  let at: unknown;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === ENTRY_ENVELOPE) envelope = fields[i + 1];
    else if (fields[i] === ENTRY_TIME) at = Number(fields[i + 1]);
  }
  const received = typeof envelope === 'string' ? decodeEnvelope(envelope) : null;
  if (!received || !Number.isSafeInteger(offset) || offset < 1 || typeof at !== 'number' || Number.isNaN(at)) return undefined;
  const { event, payload, from } = received;
  const position = { epoch, offset };
  return { at, message: from === undefined ? { topic, event, payload, position } : { topic, event, payload, from, position } };
}
