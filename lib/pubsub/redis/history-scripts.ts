import type { RedisClient } from './redis-client.js';

/**
 * The Lua scripts of the shared history, defined on the publisher connection with ioredis's
 * `defineCommand` (EVALSHA, and EVAL where Redis does not know the script yet). Each takes the
 * topic's two keys (history-keys.ts), which share a Cluster slot.
 *
 * An epoch is written only when the topic has none (a new topic, a flushed or restarted Redis, an
 * evicted key) or when a node shows that the stored offset went back (`known`: an epoch and offset
 * the node has delivered, so Redis once had them: a failover lost writes). The node proposes the new
 * epoch (Redis scripts have no usable randomness); the stream of the lost epoch is deleted with it.
 */
export const HistoryScript = {
  publish: 'nestjsChannelsHistoryPublish',
  top: 'nestjsChannelsHistoryTop',
  range: 'nestjsChannelsHistoryRange',
} as const;

/** Fields of each stream entry: the envelope (without its position), and when Redis appended it (ms). */
export const ENTRY_ENVELOPE = 'e';
export const ENTRY_TIME = 't';

const LOST = `
local function lost(state, known_epoch, known_offset)
  return not state[1] or (state[1] == known_epoch and tonumber(state[2] or '0') < tonumber(known_offset))
end
`;

const NOW_MS = `
local function now_ms()
  local time = redis.call('TIME')
  return time[1] * 1000 + math.floor(time[2] / 1000)
end
`;

/**
 * Numbers, keeps and publishes one history broadcast: the offset is assigned, the entry appended
 * and the message published in one atomic step, so every node sees offsets in the order Redis
 * assigned them. KEYS: meta, stream. ARGV: new epoch, size, ttl ms, meta ttl ms, channel, envelope
 * (a JSON object), known epoch, known offset. Publishes the envelope with `"h":"<epoch>:<offset>"`
 * in front and returns that position.
 */
const PUBLISH = `${LOST}${NOW_MS}
local state = redis.call('HMGET', KEYS[1], 'epoch', 'offset')
local epoch, offset
if lost(state, ARGV[7], ARGV[8]) then
  epoch, offset = ARGV[1], 1
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'offset', offset)
else
  epoch = state[1]
  offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
end
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], offset .. '-0', '${ENTRY_ENVELOPE}', ARGV[6], '${ENTRY_TIME}', now_ms())
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local position = epoch .. ':' .. offset
redis.call('PUBLISH', ARGV[5], '{"h":"' .. position .. '",' .. string.sub(ARGV[6], 2))
return position
`;

/**
 * The topic's epoch and last offset, creating the epoch when there is none (a join's position
 * needs one). KEYS: meta, stream. ARGV: new epoch, meta ttl ms, known epoch, known offset.
 */
const TOP = `${LOST}
local state = redis.call('HMGET', KEYS[1], 'epoch', 'offset')
if lost(state, ARGV[3], ARGV[4]) then
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'offset', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {ARGV[1], 0}
end
return {state[1], tonumber(state[2] or '0')}
`;

/**
 * The entries from offset ARGV[1] to ARGV[2] that the stream still holds, with the epoch they
 * belong to ('' when none) and Redis's clock (ms), to judge them against the ttl.
 */
const RANGE = `${NOW_MS}
local epoch = redis.call('HGET', KEYS[1], 'epoch') or ''
return {epoch, now_ms(), redis.call('XRANGE', KEYS[2], ARGV[1] .. '-0', ARGV[2] .. '-0')}
`;

/** One stream entry as XRANGE returns it: its id and its field/value pairs. */
export type RawEntry = [id: string, fields: string[]];

/** Defines the scripts on `client` (idempotent per client). */
export function defineHistoryScripts(client: RedisClient): void {
  client.defineCommand(HistoryScript.publish, { numberOfKeys: 2, lua: PUBLISH });
  client.defineCommand(HistoryScript.top, { numberOfKeys: 2, lua: TOP });
  client.defineCommand(HistoryScript.range, { numberOfKeys: 2, lua: RANGE });
}

/** Runs one of the scripts on `client`. */
export function runHistoryScript(client: RedisClient, name: string, args: Array<string | number>): Promise<unknown> {
  const command = (client as unknown as Record<string, (...args: Array<string | number>) => Promise<unknown>>)[name];
  if (typeof command !== 'function') return Promise.reject(new Error(`the history script ${name} is not defined on this connection`));
  return command.apply(client, args);
}
