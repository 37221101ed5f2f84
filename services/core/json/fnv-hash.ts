// 64-bit FNV-1a over strings, in 16-bit limbs so it stays exact in doubles: pure, fast, stable across runs.

const PRIME_LOW = 0x1b3;
const HEX_OCTETS = Array.from({ length: 256 }, (_, octet) => octet.toString(16).padStart(2, '0'));

/** FNV-1a 64 of the UTF-16 code units of `text` (each unit hashed as two bytes when above 0xff), as 16 hex digits. */
export function fnv1a64(text: string): string {
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    let octet = unit & 0xff;
    for (let octets = unit > 0xff ? 2 : 1; octets > 0; octets--) {
      h0 ^= octet;
      // h * 0x100000001b3 = h * 0x1b3 + (h << 40), kept modulo 2^64 limb by limb.
      const t0 = h0 * PRIME_LOW;
      const c1 = h1 * PRIME_LOW + (t0 >>> 16);
      const c2 = h2 * PRIME_LOW + (h0 << 8) + (c1 >>> 16);
      h3 = (h3 * PRIME_LOW + (h1 << 8) + (c2 >>> 16)) & 0xffff;
      h0 = t0 & 0xffff;
      h1 = c1 & 0xffff;
      h2 = c2 & 0xffff;
      octet = unit >>> 8;
    }
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

function hex4(limb: number): string {
  return HEX_OCTETS[limb >>> 8]! + HEX_OCTETS[limb & 0xff]!;
}

/**
 * A number in [0, 1) derived from `text`: the deterministic stand-in for a random draw. FNV's high bits mix
 * poorly for similar short keys, so both halves go through murmur3's finaliser first.
 */
export function unitInterval(text: string): number {
  const hash = fnv1a64(text);
  const high = parseInt(hash.slice(0, 8), 16);
  const low = parseInt(hash.slice(8), 16);
  return fmix32(low ^ fmix32(high)) / 2 ** 32;
}

function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
