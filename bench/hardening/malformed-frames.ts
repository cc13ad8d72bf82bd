/** One malformed frame: text (sent as a text frame) or bytes (sent as a binary frame). */
export type MalformedFrame = { kind: string; data: string | Buffer };

const TEN_KB = 'e'.repeat(10 * 1024);

/** Binary pushes whose length bytes lie about what follows (see PROTOCOL.md, kind 0). */
const BAD_BINARY: Buffer[] = [
  Buffer.from([0]),
  Buffer.from([0, 200, 200, 200, 200, 65, 66]),
  Buffer.from([0, 1, 1, 50, 4, 49, 49, 116]),
  Buffer.from([9, 1, 1, 1, 1, 49, 49, 116, 101]),
  Buffer.from([2, 255, 255]),
  Buffer.alloc(0),
];

/** Every kind the issue lists; the soak cycles through them. */
export const MALFORMED_FRAMES: MalformedFrame[] = [
  { kind: 'non-JSON', data: '{not json' },
  { kind: 'non-JSON', data: '["1","1","soak:a","echo",' },
  { kind: 'non-JSON', data: '' },
  { kind: 'wrong arity', data: '["1","1","soak:a"]' },
  { kind: 'wrong arity', data: '["1","1","soak:a","echo",{},"extra"]' },
  { kind: 'wrong arity', data: '{}' },
  { kind: 'wrong arity', data: 'null' },
  { kind: 'wrong arity', data: '42' },
  { kind: 'non-string topic/event', data: '["1","1",42,"phx_join",{}]' },
  { kind: 'non-string topic/event', data: '["1","1","soak:a",{"x":1},{}]' },
  { kind: 'non-string topic/event', data: '[null,"1",null,null,null]' },
  { kind: 'non-string topic/event', data: '[[],{},["soak:a"],[1],1]' },
  ...BAD_BINARY.map((data) => ({ kind: 'bad binary lengths', data })),
  { kind: '10 KB event name', data: JSON.stringify(['1', '1', 'soak:a', TEN_KB, {}]) },
  { kind: '10 KB event name', data: JSON.stringify([null, '1', 'phoenix', TEN_KB, {}]) },
  { kind: '10 KB topic', data: JSON.stringify(['1', '1', `soak:${TEN_KB}`, 'phx_join', {}]) },
  { kind: '__proto__/constructor', data: '["1","1","__proto__","phx_join",{}]' },
  { kind: '__proto__/constructor', data: '["1","1","constructor","phx_join",{}]' },
  { kind: '__proto__/constructor', data: '["1","1","soak:a","__proto__",{"__proto__":{"polluted":"yes"}}]' },
  { kind: '__proto__/constructor', data: '["1","1","soak:a","constructor",{"constructor":{"prototype":{"polluted":"yes"}}}]' },
  { kind: '__proto__/constructor', data: '["__proto__","constructor","phoenix","__proto__",{"__proto__":{"polluted":"yes"}}]' },
  { kind: '__proto__/constructor', data: '{"join_ref":"1","ref":"1","topic":"__proto__","event":"constructor","__proto__":{"polluted":"yes"}}' },
];
