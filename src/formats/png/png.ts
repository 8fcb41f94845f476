/**
 * A PNG header reader: the signature and the IHDR chunk (width, height, bit depth, colour type, interlace).
 *
 * Why only the header: pkgme needs an icon's size to place it into hicolor/<W>x<H>/apps, never its pixels. Reading
 * 33 bytes is enough and bounded, whatever the file claims. The bytes are untrusted (an uploaded icon), so every
 * failure is a typed PkgmeError: PNG_NOT_PNG (no signature), PNG_TRUNCATED (ends before IHDR is complete),
 * PNG_CORRUPT (first chunk not IHDR, bad length, CRC mismatch, invalid field values).
 */
import { PkgmeError } from '../../errors.ts';

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** Signature (8) + chunk length (4) + type (4) + IHDR data (13) + CRC (4). */
export const PNG_HEADER_BYTES = 33;
/** An icon larger than this on either side is flagged: no desktop needs it, and decoding it costs memory. */
export const GIANT_ICON_SIDE = 4096;

export type PngColourType = 'grey' | 'rgb' | 'palette' | 'grey-alpha' | 'rgba';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: PngColourType;
  interlaced: boolean;
  /** True when a side exceeds GIANT_ICON_SIDE. */
  giant: boolean;
}

/** PNG spec §11.2.2: allowed bit depths per colour type code. */
const COLOUR_TYPES: Record<number, { name: PngColourType; depths: number[] }> = {
  0: { name: 'grey', depths: [1, 2, 4, 8, 16] },
  2: { name: 'rgb', depths: [8, 16] },
  3: { name: 'palette', depths: [1, 2, 4, 8] },
  4: { name: 'grey-alpha', depths: [8, 16] },
  6: { name: 'rgba', depths: [8, 16] },
};

let crcTable: Uint32Array | undefined;
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function corrupt(what: string, details: Record<string, unknown>, name: string): PkgmeError {
  return new PkgmeError('PNG_CORRUPT', `${name}: ${what}`, 'input', {
    hint: 'Re-export the icon with an image editor (or `optipng`); the file is damaged or not a valid PNG.',
    details,
  });
}

/** Parses the PNG header. `name` labels the file in messages. Reads at most PNG_HEADER_BYTES bytes. */
export function readPngHeader(bytes: Uint8Array, name = 'PNG file'): PngHeader {
  if (!isPng(bytes)) {
    if (bytes.length < 8 && PNG_SIGNATURE.subarray(0, bytes.length).every((b, i) => bytes[i] === b))
      throw new PkgmeError(
        'PNG_TRUNCATED',
        `${name}: ${bytes.length} bytes, shorter than the 8-byte PNG signature`,
        'input',
        {
          hint: 'The file was cut short; copy it again from the original.',
          details: { size: bytes.length },
        },
      );
    throw new PkgmeError('PNG_NOT_PNG', `${name}: no PNG signature at offset 0`, 'input', {
      hint: 'Icons named .png must be PNG images; convert the file or rename it to its real type.',
      details: { size: bytes.length },
    });
  }
  if (bytes.length < PNG_HEADER_BYTES)
    throw new PkgmeError(
      'PNG_TRUNCATED',
      `${name}: ${bytes.length} bytes, the IHDR chunk needs ${PNG_HEADER_BYTES}`,
      'input',
      { hint: 'The file was cut short; copy it again from the original.', details: { size: bytes.length } },
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, PNG_HEADER_BYTES);
  const length = view.getUint32(8);
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (type !== 'IHDR')
    throw corrupt(`first chunk is ${JSON.stringify(type)}, not IHDR (offset 12)`, { type }, name);
  if (length !== 13) throw corrupt(`IHDR length is ${length}, must be 13 (offset 8)`, { length }, name);
  const stored = view.getUint32(29);
  const computed = crc32(bytes.subarray(12, 29));
  if (stored !== computed)
    throw corrupt(
      `IHDR CRC mismatch at offset 29: stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}`,
      { stored, computed },
      name,
    );
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitDepth = bytes[24]!;
  const colourCode = bytes[25]!;
  // PNG spec: width and height are 1..2^31-1.
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff)
    throw corrupt(`IHDR size ${width}x${height} is out of range 1..2^31-1`, { width, height }, name);
  const colour = COLOUR_TYPES[colourCode];
  if (!colour)
    throw corrupt(
      `IHDR colour type ${colourCode} is not one of 0, 2, 3, 4, 6 (offset 25)`,
      { colourCode },
      name,
    );
  if (!colour.depths.includes(bitDepth))
    throw corrupt(
      `IHDR bit depth ${bitDepth} is invalid for colour type ${colourCode} (offset 24)`,
      { bitDepth, colourCode },
      name,
    );
  if (bytes[26] !== 0 || bytes[27] !== 0 || bytes[28]! > 1)
    throw corrupt(
      `IHDR compression/filter/interlace ${bytes[26]}/${bytes[27]}/${bytes[28]} not 0/0/0-1 (offset 26)`,
      { compression: bytes[26], filter: bytes[27], interlace: bytes[28] },
      name,
    );
  return {
    width,
    height,
    bitDepth,
    colourType: colour.name,
    interlaced: bytes[28] === 1,
    giant: width > GIANT_ICON_SIDE || height > GIANT_ICON_SIDE,
  };
}
