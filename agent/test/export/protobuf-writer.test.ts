import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtobufWriter } from '../../src/export/protobuf-writer.ts';

/** The varint at `pos`, and the position after it. */
function readVarint(bytes: Buffer, pos: number): [number, number] {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[pos++]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, pos];
  }
}

describe('ProtobufWriter', () => {
  it('writes HrTime as exact unix nanoseconds (fixed64)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: 0, max: 999_999_999 }), (seconds, nanos) => {
        const w = new ProtobufWriter(16);
        w.hrTime(1, [seconds, nanos]);
        const bytes = w.copy();
        expect(bytes[0]).toBe((1 << 3) | 1);
        expect(bytes.readBigUInt64LE(1)).toBe(BigInt(seconds) * 1_000_000_000n + BigInt(nanos));
      }),
    );
  });

  it('backpatches nested lengths of any size, growing its buffer', () => {
    for (const size of [0, 1, 127, 128, 300, 16_383, 16_384, 70_000]) {
      const w = new ProtobufWriter(8);
      const at = w.begin(2);
      w.string(1, 'x'.repeat(size));
      w.end(at);
      const bytes = w.copy();
      // tag(2, LEN), outer length varint, tag(1, LEN), inner length varint, payload
      const [outer, pos] = readVarint(bytes, 1);
      expect(outer).toBe(bytes.length - pos);
      expect(bytes.subarray(bytes.length - size).toString()).toBe('x'.repeat(size));
    }
  });

  it('encodes negative int64 as ten-byte two’s complement varints', () => {
    const w = new ProtobufWriter(4);
    w.int64(3, -1);
    expect([...w.copy()]).toEqual([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('writes any string as its UTF-8 bytes with the right length, ASCII fast path or not', () => {
    const check = (value: string): void => {
      const w = new ProtobufWriter(4);
      w.string(5, value);
      const bytes = w.copy();
      const utf8 = Buffer.from(value, 'utf8');
      expect(bytes[0]).toBe((5 << 3) | 2);
      const [length, pos] = readVarint(bytes, 1);
      expect(length).toBe(utf8.length);
      expect(bytes.subarray(pos).equals(utf8)).toBe(true);
    };
    for (const value of ['', 'GET /products', 'x'.repeat(127), 'x'.repeat(128), `${'x'.repeat(126)}é`, 'café', '🛒 cart', '\u0000\u007f'])
      check(value);
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check));
  });

  it('writes hex ids as their bytes, upper or lower case', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 32 }), fc.boolean(), (raw, upper) => {
        const hex = Buffer.from(raw).toString('hex');
        const w = new ProtobufWriter(2);
        w.hex(1, upper ? hex.toUpperCase() : hex);
        const bytes = w.copy();
        expect(bytes[1]).toBe(raw.length);
        expect(bytes.subarray(2).equals(Buffer.from(raw))).toBe(true);
      }),
    );
  });
});
