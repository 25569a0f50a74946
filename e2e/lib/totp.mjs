// RFC 6238 codes (HMAC-SHA1, six digits, 30-second steps), as an
// authenticator app on her phone computes them from the key Ombud shows.
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(text) {
  const clean = text.replace(/\s+/g, '').toUpperCase();
  let bits = '';
  for (const c of clean) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function codeAt(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

/**
 * An authenticator for one key. Ombud takes each time step once, and one
 * step of drift either way: a code asked for twice within 30 seconds is
 * the next step's, as a phone a little fast would show.
 */
export function authenticator(secretText) {
  const key = base32(secretText);
  let last = -1;
  return {
    code() {
      const now = Math.floor(Date.now() / 1000 / 30);
      const step = Math.max(now, last + 1);
      if (step > now + 1) throw new Error('two codes asked for within one step of each other');
      last = step;
      return codeAt(key, step);
    },
  };
}
