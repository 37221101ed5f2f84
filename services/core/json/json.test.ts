// JSON normalisation, canonical text and the FNV-1a hash the signatures rest on.
import fc from 'fast-check';
import { canonicalJson, toJson, type JsonValue } from './json-value';
import { fnv1a64, unitInterval } from './fnv-hash';

describe('json', () => {
  test('FNV-1a 64 matches the reference vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  test('FNV-1a 64 equals a plain 64-bit reference on any text, code units above 0xff as two bytes', () => {
    const reference = (text: string) => {
      let hash = 0xcbf29ce484222325n;
      for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        for (const octet of unit > 0xff ? [unit & 0xff, unit >>> 8] : [unit]) {
          hash = ((hash ^ BigInt(octet)) * 0x100000001b3n) & 0xffffffffffffffffn;
        }
      }
      return hash.toString(16).padStart(16, '0');
    };
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(fnv1a64(text)).toBe(reference(text));
      }),
      { numRuns: 1000 },
    );
  });

  test('unit interval draws are stable and within [0, 1)', () => {
    const u = unitInterval('x');
    expect(u).toBe(unitInterval('x'));
    expect(u).toBeGreaterThanOrEqual(0);
    expect(u).toBeLessThan(1);
  });

  test('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });

  test('canonical JSON gives the text signatures were computed from: keys sorted at every depth', () => {
    // Stored operation signatures hash this text, so it must never change: the reference is the first formulation.
    const reference = (value: JsonValue): string => {
      if (value === null || typeof value !== 'object') return JSON.stringify(value);
      if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
      const keys = Object.keys(value).sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${reference(value[key] as JsonValue)}`).join(',')}}`;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = toJson(value) as JsonValue;
        expect(canonicalJson(json)).toBe(reference(json));
      }),
      { numRuns: 500 },
    );
  });

  test('toJson keeps clean values by reference and cleans what a round trip would change', () => {
    const clean = { a: [1, 'x', null, { b: true }] };
    expect(toJson(clean)).toBe(clean);
    expect(toJson({ a: undefined, b: -0 })).toEqual({ b: 0 });
    expect(Object.is((toJson({ b: -0 }) as { b: number }).b, 0)).toBe(true);
    for (const bad of [NaN, Infinity, () => 1, new Date(0), new Map(), [undefined], Symbol('s'), 1n]) {
      expect(toJson(bad)).toBeUndefined();
    }
  });
});
