/**
 * The ELF parser's typed failures. Every problem an input can cause comes out as one of these codes, with the byte
 * offset and the field in `details`, so a caller (and the fuzz target) can tell "bad file" from "bug in pkgme".
 */
import { PkgmeError } from '../../errors.ts';

export const ELF_NOT_ELF = 'ELF_NOT_ELF';
export const ELF_TRUNCATED = 'ELF_TRUNCATED';
export const ELF_CORRUPT = 'ELF_CORRUPT';
export const ELF_UNSUPPORTED = 'ELF_UNSUPPORTED';
export const ELF_READ_FAILED = 'ELF_READ_FAILED';
export const ELF_LIMIT = 'ELF_LIMIT';

/** A count beyond what any real binary has: refused so a crafted file cannot make the parser allocate without end. */
export function overLimit(field: string, offset: number, count: number, limit: number): PkgmeError {
  return new PkgmeError(
    ELF_LIMIT,
    `ELF ${field} at offset ${offset} has ${count} entries, over the limit of ${limit}`,
    'limit',
    {
      hint: 'No real binary comes near this; the file is probably crafted or damaged. Raise the limit only if it is genuine.',
      details: { field, offset, count, limit },
    },
  );
}

/** A structure the headers point at lies (partly) outside the file. */
export function truncated(what: string, offset: number, length: number, size: number): PkgmeError {
  return new PkgmeError(
    ELF_TRUNCATED,
    `ELF file truncated: ${what} needs bytes ${offset}..${offset + length} but the file has ${size} bytes`,
    'input',
    {
      hint: 'The file is incomplete (an interrupted copy or download?); upload the complete binary again.',
      details: { field: what, offset, length, size },
    },
  );
}

/** A field holds a value no valid ELF file can have (bad entry size, string offset out of range, a loop…). */
export function corrupt(field: string, offset: number, problem: string, value?: number | string): PkgmeError {
  return new PkgmeError(ELF_CORRUPT, `corrupt ELF file: ${field} at offset ${offset}: ${problem}`, 'input', {
    hint: 'The binary is damaged or was rewritten by a broken tool; rebuild it or upload an unmodified copy.',
    details: { field, offset, ...(value === undefined ? {} : { value }) },
  });
}
