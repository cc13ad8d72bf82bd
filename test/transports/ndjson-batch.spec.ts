import { MAX_BATCH_LINES, parseBatch } from '../../lib/transports/longpoll/ndjson-batch.js';

const NDJSON = 'application/x-ndjson';
const texts = (frames: Array<{ data: Buffer; binary: boolean }>) => frames.map((frame) => [frame.data.toString(), frame.binary]);

describe('parseBatch', () => {
  test('one frame per line: JSON text, or base64 binary; CRLF and empty lines are fine', () => {
    const body = Buffer.from('[null,"1","t","e",{}]\r\n\n{"topic":"t"}\nAQID\n');
    expect(texts(parseBatch(body, NDJSON))).toEqual([
      ['[null,"1","t","e",{}]', false],
      ['{"topic":"t"}', false],
      ['\u0001\u0002\u0003', true],
    ]);
  });

  test('a body that is not ndjson is one text frame', () => {
    expect(texts(parseBatch(Buffer.from('[1]\n[2]'), 'application/json'))).toEqual([['[1]\n[2]', false]]);
  });

  test(`reads at most ${MAX_BATCH_LINES} lines, empty ones counted: a frame after a wall of newlines is never reached`, () => {
    const frames = parseBatch(Buffer.from(`${'[1]\n'.repeat(150)}`), NDJSON);
    expect(frames).toHaveLength(MAX_BATCH_LINES);
    const bomb = Buffer.concat([Buffer.alloc(1024 * 1024, '\n'), Buffer.from('[null,"1","t","e",{}]')]);
    expect(parseBatch(bomb, NDJSON)).toEqual([]);
    const started = process.cpuUsage();
    for (let round = 0; round < 20; round++) parseBatch(bomb, NDJSON);
    const { user, system } = process.cpuUsage(started);
    console.log(`a 1 MiB newline body: ${((user + system) / 20 / 1000).toFixed(3)} ms of CPU per parse`);
  });

  test('a frame keeps its own bytes: a handler may hold its payload', () => {
    const body = Buffer.from('[null,"1","t","e",{}]');
    const [frame] = parseBatch(body, NDJSON);
    body.fill(0);
    expect(frame!.data.toString()).toBe('[null,"1","t","e",{}]');
  });
});
