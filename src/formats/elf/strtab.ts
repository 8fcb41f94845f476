/**
 * A string table (.dynstr, .shstrtab, DT_STRTAB) decoded lazily. Symbol names are ASCII in practice, so on first use
 * a pure-ASCII table is turned into one JS string by a single native decode, and each name is then a
 * substring of it (V8 makes those cheap slices): that is several times faster than decoding names one by one, which
 * matters for libraries with 100k symbols. Tables with non-ASCII bytes decode each name as UTF-8, with a cache.
 */
import { Buffer, isAscii } from 'node:buffer';
import { corrupt } from './errors.ts';

const utf8 = new TextDecoder('utf-8');

export class StringTable {
  private readonly cache = new Map<number, string>();
  /** The whole table as a string when it is ASCII; undefined until first use, null when not ASCII. */
  private text: string | null | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    /** File offset of the table, for error messages. */
    private readonly fileOffset: number,
    private readonly what: string,
  ) {}

  get size(): number {
    return this.bytes.length;
  }

  /** The NUL-terminated string at `index`; ELF_CORRUPT if the index is outside the table. */
  get(index: number, field: string): string {
    const b = this.bytes;
    if (index >= b.length) {
      throw corrupt(
        field,
        this.fileOffset,
        `name index ${index} is outside ${this.what} (${b.length} bytes)`,
        index,
      );
    }
    if (this.text === undefined) {
      // One native check and one native decode for the whole table (a view, no copy).
      const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
      this.text = isAscii(buf) ? buf.toString('latin1') : null;
    }
    const t = this.text;
    if (t !== null) {
      const end = t.indexOf('\0', index);
      return end < 0 ? t.slice(index) : t.slice(index, end);
    }
    const hit = this.cache.get(index);
    if (hit !== undefined) return hit;
    let end = b.indexOf(0, index);
    if (end < 0) end = b.length;
    const s = utf8.decode(b.subarray(index, end));
    this.cache.set(index, s);
    return s;
  }
}
