/**
 * Endian-aware field access over one region of the file. 64-bit fields are returned as JS numbers (two 32-bit reads
 * combined; exact below 2^53, which covers every real address, size and offset) because BigInt arithmetic would cost
 * more than the whole parse on files with 100k symbols.
 */
export class Fields {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly little: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(off: number): number {
    return this.bytes[off]!;
  }

  u16(off: number): number {
    return this.view.getUint16(off, this.little);
  }

  u32(off: number): number {
    return this.view.getUint32(off, this.little);
  }

  u64(off: number): number {
    const a = this.view.getUint32(off, this.little);
    const b = this.view.getUint32(off + 4, this.little);
    return this.little ? b * 4294967296 + a : a * 4294967296 + b;
  }

  /** A word that is 4 bytes in ELFCLASS32 and 8 in ELFCLASS64 (addresses, offsets, sizes, d_val). */
  word(off: number, is64: boolean): number {
    return is64 ? this.u64(off) : this.u32(off);
  }

  /** Reads consecutive fields described by `layout` ([name, byte size] in file order) starting at `off`. */
  struct<K extends string>(off: number, layout: Layout<K>): Record<K, number> {
    const out = {} as Record<K, number>;
    let o = off;
    for (const [name, size] of layout) {
      out[name] = size === 8 ? this.u64(o) : size === 4 ? this.u32(o) : this.u16(o);
      o += size;
    }
    return out;
  }
}

/** A C struct as a list of [field, size in bytes], in file order. */
export type Layout<K extends string> = readonly (readonly [K, 2 | 4 | 8])[];
