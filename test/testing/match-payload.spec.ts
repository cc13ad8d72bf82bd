import { matchesPayload } from 'nestjs-channels/testing';

describe('matchesPayload', () => {
  it('accepts anything when no payload is expected', () => {
    expect(matchesPayload({ a: 1 }, undefined)).toBe(true);
    expect(matchesPayload(null, undefined)).toBe(true);
  });

  it('matches objects by subset, at any depth', () => {
    expect(matchesPayload({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } })).toBe(true);
    expect(matchesPayload({ a: 1, b: { c: 2 } }, { b: { c: 3 } })).toBe(false);
    expect(matchesPayload({ a: 1 }, { a: 1, missing: 2 })).toBe(false);
    expect(matchesPayload({ a: 1 }, {})).toBe(true);
  });

  it('matches arrays element by element, with the same length', () => {
    expect(matchesPayload([{ id: 1, x: 1 }, { id: 2 }], [{ id: 1 }, { id: 2 }])).toBe(true);
    expect(matchesPayload([1, 2, 3], [1, 2])).toBe(false);
    expect(matchesPayload({ list: [1] }, { list: {} })).toBe(false);
    expect(matchesPayload([1], {})).toBe(false);
  });

  it('compares primitives and null exactly', () => {
    expect(matchesPayload('1', 1)).toBe(false);
    expect(matchesPayload({ a: null }, { a: null })).toBe(true);
    expect(matchesPayload({ a: 0 }, { a: null })).toBe(false);
    expect(matchesPayload(null, {})).toBe(false);
  });

  it('compares bytes byte for byte, whatever their container', () => {
    expect(matchesPayload(Buffer.from([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(matchesPayload(Buffer.from([1, 2]), new Uint8Array([1, 2]).buffer)).toBe(true);
    expect(matchesPayload(Buffer.from([1, 2]), Buffer.from([2, 1]))).toBe(false);
    expect(matchesPayload([1, 2], Buffer.from([1, 2]))).toBe(false);
  });

  it('honours jest asymmetric matchers', () => {
    expect(matchesPayload({ id: 7, name: 'ann' }, { id: expect.any(Number), name: expect.stringMatching(/^a/) })).toBe(true);
    expect(matchesPayload({ id: '7' }, { id: expect.any(Number) })).toBe(false);
    expect(matchesPayload({ tags: ['a', 'b', 'c'] }, { tags: expect.arrayContaining(['b']) })).toBe(true);
  });
});
