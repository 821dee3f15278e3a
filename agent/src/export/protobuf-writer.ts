// A small protobuf writer for the OTLP messages the agent sends. One scratch buffer is reused
// for every message; a length-delimited field reserves one length byte and shifts its content
// when the length needs more, so nested messages need no temporary buffers.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

export class ProtobufWriter {
  private buffer: Buffer;
  pos = 0;

  constructor(initialSize = 16 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  reset(): void {
    this.pos = 0;
  }

  get capacity(): number {
    return this.buffer.length;
  }

  /** What was written since the last reset, without copying (valid until the next write). */
  view(): Buffer {
    return this.buffer.subarray(0, this.pos);
  }

  /** A copy of what was written since the last reset. */
  copy(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.pos));
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buffer.copy(next, 0, 0, this.pos);
    this.buffer = next;
  }

  private varint(value: number): void {
    this.ensure(10);
    if (value < 0x80) {
      this.buffer[this.pos++] = value;
      return;
    }
    let v = value;
    while (v > 0x7f) {
      this.buffer[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buffer[this.pos++] = v;
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  uint(field: number, value: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  /** int64 as varint; negative numbers take ten bytes, as protobuf requires. */
  int64(field: number, value: number): void {
    this.tag(field, WIRE_VARINT);
    if (value >= 0) {
      this.varint(value);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
    this.ensure(10);
    while (v > 0x7fn) {
      this.buffer[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[this.pos++] = Number(v);
  }

  bool(field: number, value: boolean): void {
    this.tag(field, WIRE_VARINT);
    this.varint(value ? 1 : 0);
  }

  double(field: number, value: number): void {
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    this.buffer.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** Unix time in nanoseconds from an OpenTelemetry HrTime [seconds, nanoseconds]. */
  hrTime(field: number, time: readonly [number, number]): void {
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    // seconds × 1e9 + nanoseconds exceeds 2^53: split into exact 32-bit halves without BigInt.
    const seconds = time[0];
    const high16 = Math.floor(seconds / 65536) * 1e9; // < 2^46, exact
    const low = (seconds % 65536) * 1e9 + time[1]; // < 2^47, exact
    let lo = (high16 % 65536) * 65536 + (low % 4294967296);
    let hi = Math.floor(high16 / 65536) + Math.floor(low / 4294967296);
    if (lo >= 4294967296) {
      lo -= 4294967296;
      hi += 1;
    }
    this.buffer.writeUInt32LE(lo, this.pos);
    this.buffer.writeUInt32LE(hi, this.pos + 4);
    this.pos += 8;
  }

  fixed32(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    this.buffer.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  string(field: number, value: string): void {
    this.tag(field, WIRE_LENGTH);
    // Short ASCII strings (names, attribute keys, routes: nearly all of them) are copied here
    // char by char: cheaper than two calls into C++ (byteLength, then write) for a few bytes.
    const n = value.length;
    if (n < 0x80) {
      this.ensure(n + 1);
      const buffer = this.buffer;
      const start = this.pos + 1;
      let i = 0;
      while (i < n) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buffer[start + i] = c;
        i += 1;
      }
      if (i === n) {
        buffer[this.pos] = n;
        this.pos = start + n;
        return;
      }
    }
    const length = Buffer.byteLength(value);
    this.varint(length);
    this.ensure(length);
    this.pos += this.buffer.write(value, this.pos, 'utf8');
  }

  /** Bytes from a hex string (trace and span ids). */
  hex(field: number, value: string): void {
    this.tag(field, WIRE_LENGTH);
    const length = value.length >>> 1;
    this.varint(length);
    this.ensure(length);
    // Decoded here rather than by Buffer#write(…, 'hex'): ids are 16 or 32 characters, and the
    // call into C++ costs more than the loop. A character that is not hex gives a zero nibble,
    // so the length written above always holds.
    const buffer = this.buffer;
    let at = this.pos;
    for (let i = 0; i < length; i++) {
      buffer[at++] = (nibble(value.charCodeAt(2 * i)) << 4) | nibble(value.charCodeAt(2 * i + 1));
    }
    this.pos = at;
  }

  /** A bytes field: tag, length, the bytes. */
  bytes(field: number, value: Uint8Array): void {
    this.tag(field, WIRE_LENGTH);
    this.varint(value.length);
    this.raw(value);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Starts nested message `field`; returns the marker to pass to `end` once its content is written. */
  begin(field: number): number {
    this.tag(field, WIRE_LENGTH);
    this.ensure(1);
    const lengthAt = this.pos;
    this.pos += 1;
    return lengthAt;
  }

  /** Closes the nested message started at `lengthAt`, writing its length. */
  end(lengthAt: number): void {
    const length = this.pos - lengthAt - 1;
    if (length < 0x80) {
      this.buffer[lengthAt] = length;
      return;
    }
    const lengthBytes = varintSize(length);
    this.ensure(lengthBytes - 1);
    this.buffer.copy(this.buffer, lengthAt + lengthBytes, lengthAt + 1, this.pos);
    let v = length;
    let at = lengthAt;
    while (v > 0x7f) {
      this.buffer[at++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buffer[at] = v;
    this.pos += lengthBytes - 1;
  }

  /** Writes field `field` as a nested message whose content `write` produces. */
  message(field: number, write: () => void): void {
    const at = this.begin(field);
    write();
    this.end(at);
  }
}

const NIBBLES = new Uint8Array(128);
for (let c = 0; c < 10; c++) NIBBLES[48 + c] = c;
for (let c = 0; c < 6; c++) NIBBLES[97 + c] = NIBBLES[65 + c] = 10 + c;

function nibble(code: number): number {
  return code < 128 ? NIBBLES[code]! : 0;
}

function varintSize(value: number): number {
  let size = 1;
  let v = value;
  while (v > 0x7f) {
    v = Math.floor(v / 128);
    size += 1;
  }
  return size;
}
