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
    this.pos += this.buffer.write(value, this.pos, 'hex');
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

function varintSize(value: number): number {
  let size = 1;
  let v = value;
  while (v > 0x7f) {
    v = Math.floor(v / 128);
    size += 1;
  }
  return size;
}
