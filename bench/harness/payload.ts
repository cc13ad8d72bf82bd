import { nowMicros } from './clock.js';

/** Topic every subscriber of the fan-out scenarios joins. */
export const FANOUT_TOPIC = 'bench:all';
/** Prefix of the per-socket topics of the many-topics scenario (`bench:s:<index>`). */
export const OWN_TOPIC_PREFIX = 'bench:s:';
/** Topic whose joins are tracked by nestjs-channels' Presence (presence churn scenario). */
export const PRESENCE_TOPIC = 'bench:presence';
/** Topic of the mass-join scenario: each join is tracked and gets `presence_state` (`pushState`). */
export const MASS_JOIN_TOPIC = 'bench:mass';
/** Topic of the mass-join scenario's idle client, which only heartbeats. */
export const IDLE_TOPIC = 'bench:idle';
/** Event name of every broadcast. */
export const BROADCAST_EVENT = 'msg';

/**
 * What every server broadcasts: a sequence number, the send time on the shared monotonic clock
 * (integer microseconds; clients read it to measure latency) and filler so that the Phoenix V2
 * frame `[null,null,"bench:all","msg",{...}]` is about 110 bytes.
 */
export interface BenchPayload {
  seq: number;
  t: number;
  body: string;
}

const FILLER = 'x'.repeat(46);

export function makePayload(seq: number, body = FILLER): BenchPayload {
  return { seq, t: Math.round(nowMicros()), body };
}

const WORDS = ['the', 'meeting', 'moved', 'to', 'room', 'blue', 'at', 'three', 'bring', 'slides', 'and', 'coffee', 'ok', 'see', 'you', 'there', 'deploy', 'done', 'build', 'green'];

/**
 * `count` different texts of `bytes` each, chat-like: words of a short list in a pseudo-random
 * order, so that deflate shrinks one about as much as real chat JSON (3-5x), not as much as a run
 * of one letter, and a compressor that keeps its context across messages (ws's default) cannot
 * just point back at the previous one: with 64 texts in turn, a repeat is 64 messages back,
 * past a 32 KB window.
 */
export function chatBodies(bytes: number, count = 64): string[] {
  let seed = 1;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
  return Array.from({ length: count }, () => {
    let text = '';
    while (text.length < bytes) text += `${WORDS[next() % WORDS.length]}${next() % 11 === 0 ? '. ' : ' '}`;
    return text.slice(0, bytes);
  });
}

/** The Phoenix V2 broadcast frame text, as nestjs-channels encodes it. */
export function encodeV2Broadcast(topic: string, event: string, payload: unknown): string {
  return JSON.stringify([null, null, topic, event, payload]);
}

const T_FIELD = Buffer.from('"t":');

/**
 * The send time carried in a received frame, found without parsing the JSON (the clients share
 * one core and must not be the bottleneck). NaN when absent.
 */
export function sendTimeIn(frame: Buffer): number {
  const at = frame.indexOf(T_FIELD);
  if (at < 0) return NaN;
  let value = 0;
  for (let i = at + T_FIELD.length; i < frame.length; i++) {
    const digit = frame[i]! - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}
