/**
 * The one ARM build attribute pkgme needs: Tag_ABI_VFP_args from .ARM.attributes, which says whether floating-point
 * arguments go in VFP registers (the armhf calling convention). Linked binaries also say so in e_flags
 * (EF_ARM_ABI_FLOAT_HARD), but relocatable objects (.o, as in a static library) carry it only here.
 *
 * Format (ARM IHI 0045): 'A', then subsections [u32 length, vendor NTBS, then for "aeabi" sub-subsections
 * [tag byte, u32 length, attributes]]. Attribute values are ULEB128, except the string tags (4, 5, 65, 67, and any odd
 * tag above 32; tag 32 is a ULEB128 followed by a string).
 */
import { corrupt } from './errors.ts';
import { Fields } from './fields.ts';

export const SHT_ARM_ATTRIBUTES = 0x70000003;
const TAG_FILE = 1;
const TAG_ABI_VFP_ARGS = 28;

/** Tag_ABI_VFP_args of the file-scope "aeabi" attributes, or null when absent. */
export function armVfpArgs(bytes: Uint8Array, little: boolean, at: number): number | null {
  if (bytes.length === 0 || bytes[0] !== 0x41 /* 'A' */) return null;
  const f = new Fields(bytes, little);
  const bad = (off: number, what: string) => corrupt('.ARM.attributes', at + off, what);
  let off = 1;
  while (off + 4 <= bytes.length) {
    const len = f.u32(off);
    if (len < 4 || len > bytes.length - off) throw bad(off, `subsection length ${len} overruns the section`);
    const end = off + len;
    const nameEnd = bytes.indexOf(0, off + 4);
    if (nameEnd < 0 || nameEnd >= end) throw bad(off, 'vendor name is not terminated');
    const vendor = String.fromCharCode(...bytes.subarray(off + 4, nameEnd));
    if (vendor === 'aeabi') {
      let p = nameEnd + 1;
      while (p + 5 <= end) {
        const tag = bytes[p]!;
        const size = f.u32(p + 1);
        if (size < 5 || size > end - p)
          throw bad(p, `attribute block length ${size} overruns the subsection`);
        if (tag === TAG_FILE) {
          const v = findUleb(bytes, p + 5, p + size, TAG_ABI_VFP_ARGS, bad);
          if (v !== null) return v;
        }
        p += size;
      }
    }
    off = end;
  }
  return null;
}

function findUleb(
  b: Uint8Array,
  start: number,
  end: number,
  want: number,
  bad: (off: number, what: string) => Error,
): number | null {
  let p = start;
  const uleb = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (p >= end || shift > 28) throw bad(p, 'unterminated ULEB128 value');
      const byte = b[p++]!;
      v += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return v;
    }
  };
  const skipString = () => {
    const z = b.indexOf(0, p);
    if (z < 0 || z >= end) throw bad(p, 'unterminated string value');
    p = z + 1;
  };
  while (p < end) {
    const tag = uleb();
    if (tag === 4 || tag === 5 || tag === 65 || tag === 67 || (tag > 32 && tag % 2 === 1)) skipString();
    else if (tag === 32) {
      uleb();
      skipString();
    } else {
      const v = uleb();
      if (tag === want) return v;
    }
  }
  return null;
}
