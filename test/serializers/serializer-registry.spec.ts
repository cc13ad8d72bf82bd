import type { Serializer, SerializerVersion } from '../../lib/serializers/serializer.interface.js';
import {
  BUILT_IN_SERIALIZER_VERSIONS,
  BUILT_IN_SERIALIZERS as SERIALIZERS,
  resolveSerializers,
  selectSerializer,
} from '../../lib/serializers/serializer-registry.js';
import { V1JsonSerializer } from '../../lib/serializers/v1-json.serializer.js';
import { V2JsonSerializer } from '../../lib/serializers/v2-json.serializer.js';

const VERSIONS: SerializerVersion[] = ['1.0.0', '2.0.0'];
const ALL = resolveSerializers(VERSIONS);

describe('selectSerializer', () => {
  test('supports 1.0.0 and 2.0.0, each registered under its own vsn', () => {
    expect([...BUILT_IN_SERIALIZER_VERSIONS].sort()).toEqual(VERSIONS);
    for (const vsn of VERSIONS) expect(SERIALIZERS[vsn].vsn).toBe(vsn);
  });

  test('a missing vsn means 1.0.0', () => {
    expect(selectSerializer(undefined, ALL)).toBeInstanceOf(V1JsonSerializer);
  });

  test.each([
    ['2.0.0', V2JsonSerializer],
    ['2.0.1', V2JsonSerializer],
    ['2.0.10', V2JsonSerializer],
    ['1.0.0', V1JsonSerializer],
    ['1.0.5', V1JsonSerializer],
  ])('vsn %s selects its minor version', (vsn, expected) => {
    expect(selectSerializer(vsn, ALL)).toBeInstanceOf(expected);
  });

  test('hands out one shared, stateless instance per version', () => {
    expect(selectSerializer('2.0.0', ALL)).toBe(selectSerializer('2.0.1', ALL));
    expect(selectSerializer('2.0.0', ALL)).toBe(SERIALIZERS['2.0.0']);
  });

  test.each(['3.0.0', '2.1.0', '1.1.0', '0.0.1', '2.0', '2', '', 'garbage', ' 2.0.0', '2.0.0 ', '2.0.0.1', 'v2.0.0', '2.0.x'])(
    'refuses vsn %j',
    (vsn) => {
      expect(selectSerializer(vsn, ALL)).toBeNull();
    },
  );

  test.each([null, 2, 2.0, ['2.0.0'], { vsn: '2.0.0' }, true])('refuses the non-string vsn %j', (vsn) => {
    expect(selectSerializer(vsn, ALL)).toBeNull();
  });

  test('refuses a version the app switched off', () => {
    expect(selectSerializer('2.0.0', resolveSerializers(['1.0.0']))).toBeNull();
    expect(selectSerializer('1.0.0', resolveSerializers(['2.0.0']))).toBeNull();
    expect(selectSerializer(undefined, resolveSerializers(['2.0.0']))).toBeNull();
    expect(selectSerializer('2.0.0', resolveSerializers(['2.0.0']))).toBeInstanceOf(V2JsonSerializer);
  });

  test("an app's serializer serves its own major.minor version, beside or in place of a built-in one", () => {
    const custom = (vsn: string): Serializer => ({ ...SERIALIZERS['2.0.0'], vsn, decode: () => ({}) as never });
    const realtime = custom('2.0.0');
    const next = custom('3.1.0');
    const registered = [SERIALIZERS['1.0.0'], realtime, next];
    expect(selectSerializer('2.0.0', registered)).toBe(realtime);
    expect(selectSerializer('2.0.4', registered)).toBe(realtime);
    expect(selectSerializer('3.1.2', registered)).toBe(next);
    expect(selectSerializer('3.0.0', registered)).toBeNull();
    expect(selectSerializer(undefined, registered)).toBe(SERIALIZERS['1.0.0']);
  });
});
