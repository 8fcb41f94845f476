/**
 * The OpenPGP cleartext signature framework (RFC 4880 §7, RFC 9580 §7) as used by InRelease and signed .dsc and
 * .changes files: reading and re-assembling the wrapper, without any cryptography (verify.ts and sign.ts do that).
 *
 * Why our own reader when openpgp.js has one: the caller must get exactly the text that was signed, and a
 * disagreement between two parsers about where the signed text begins or ends is the classic way to smuggle
 * unsigned content into a "verified" file (apt had such bugs). So the structure is strict: only blank lines may come
 * before the BEGIN line or after the END line, only `Hash:` armor headers are allowed, every line starting with `-`
 * in the body must be dash-escaped, and there is exactly one signed message. verify.ts then checks that openpgp.js
 * saw the same text.
 *
 * The parts are kept raw, so `formatClearsigned(readClearsigned(x)) === x` for any accepted input.
 */
import { PkgmeError } from '../../errors.ts';

export const BEGIN_SIGNED = '-----BEGIN PGP SIGNED MESSAGE-----';
export const BEGIN_SIGNATURE = '-----BEGIN PGP SIGNATURE-----';
export const END_SIGNATURE = '-----END PGP SIGNATURE-----';

export interface Clearsigned {
  /** Hash algorithm names from the `Hash:` armor headers, e.g. ['SHA256'] (may be empty: the header is optional). */
  hashes: string[];
  /**
   * The signed text with dash-escaping removed, line ends as in the file, and a final `\n` (the line end before the
   * signature block belongs to the armor, RFC 4880 §7.1, so "text" and "text\n" sign alike; this is the form
   * `gpg --decrypt` prints, and what a deb822 parser expects).
   */
  text: string;
  /** The ASCII-armored signature block, BEGIN to END line inclusive, with its final line end if any. */
  signature: string;
  /** The exact input pieces, for byte-identical re-assembly with `formatClearsigned`. */
  raw: {
    /** Blank lines before the BEGIN line. */
    leading: string;
    /** From the BEGIN line through the empty line that ends the armor headers. */
    header: string;
    /** The dash-escaped body, including the line end before the signature block. */
    body: string;
    signature: string;
    /** Blank lines after the END line. */
    trailing: string;
  };
}

function malformed(line: number, problem: string, hint: string): PkgmeError {
  return new PkgmeError('PGP_MALFORMED', `clearsigned message, line ${line}: ${problem}`, 'input', {
    hint,
    details: { line },
  });
}

/** The line `text[start, end)` without a trailing CR, spaces or tabs (armor lines may carry them). */
function armorLine(text: string, start: number, end: number): string {
  let e = end;
  while (e > start) {
    const c = text.charCodeAt(e - 1);
    if (c !== 13 && c !== 32 && c !== 9) break;
    e--;
  }
  return text.slice(start, e);
}

/** True when the text starts (after blank lines) with the clearsigned BEGIN line. */
export function isClearsigned(text: string): boolean {
  return /^(?:[ \t\r]*\n)*-----BEGIN PGP SIGNED MESSAGE-----[ \t\r]*(?:\n|$)/.test(text);
}

/** Splits a clearsigned message into its parts (see `Clearsigned`). Throws PGP_MALFORMED. */
export function readClearsigned(input: string): Clearsigned {
  const len = input.length;
  let pos = 0;
  let line = 1;
  /** Returns [start, end, next] of the current line, or null at the end of input. */
  const nextLine = (): [number, number, number] | null => {
    if (pos >= len) return null;
    const nl = input.indexOf('\n', pos);
    const end = nl < 0 ? len : nl;
    return [pos, end, nl < 0 ? len : nl + 1];
  };

  // Leading blank lines, then the BEGIN line.
  let l = nextLine();
  while (l !== null && armorLine(input, l[0], l[1]) === '') {
    pos = l[2];
    line++;
    l = nextLine();
  }
  const leadingEnd = pos;
  if (l === null || armorLine(input, l[0], l[1]) !== BEGIN_SIGNED) {
    throw malformed(line, `expected "${BEGIN_SIGNED}"`, 'this is not an OpenPGP clearsigned message');
  }
  pos = l[2];
  line++;

  // Armor headers up to an empty line.
  const hashes: string[] = [];
  for (;;) {
    l = nextLine();
    if (l === null)
      throw malformed(line, 'end of input inside the armor headers', 'the message is truncated');
    const text = armorLine(input, l[0], l[1]);
    pos = l[2];
    line++;
    if (text === '') break;
    const m = /^Hash: ?(.*)$/.exec(text);
    if (m === null) {
      throw malformed(
        line - 1,
        `unexpected armor header ${JSON.stringify(text.slice(0, 60))}`,
        'a clearsigned message may only carry "Hash:" headers before the empty line that starts the text',
      );
    }
    for (const h of m[1]!.split(',')) {
      const name = h.trim();
      if (!/^[A-Za-z0-9-]{1,20}$/.test(name)) {
        throw malformed(
          line - 1,
          `bad Hash header value ${JSON.stringify(h.slice(0, 40))}`,
          'use e.g. "Hash: SHA256"',
        );
      }
      hashes.push(name);
    }
  }
  const headerEnd = pos;

  // The dash-escaped text up to the signature block.
  const textParts: string[] = [];
  let bodyEnd = -1;
  for (;;) {
    l = nextLine();
    if (l === null) {
      throw malformed(
        line,
        `end of input before "${BEGIN_SIGNATURE}"`,
        'the signature block is missing or truncated',
      );
    }
    const [s, e, next] = l;
    if (input.charCodeAt(s) === 0x2d) {
      if (armorLine(input, s, e) === BEGIN_SIGNATURE) {
        bodyEnd = s;
        pos = next;
        line++;
        break;
      }
      if (input.charCodeAt(s + 1) !== 0x20) {
        throw malformed(
          line,
          'a line of the signed text starts with "-" but is not dash-escaped',
          'every signed line starting with "-" must be written as "- -…"; the file was altered or badly made',
        );
      }
      textParts.push(input.slice(s + 2, e));
    } else textParts.push(input.slice(s, e));
    pos = next;
    line++;
  }

  // The signature block, through the END line.
  const sigStart = bodyEnd;
  let sigEnd = -1;
  for (;;) {
    l = nextLine();
    if (l === null)
      throw malformed(line, `end of input before "${END_SIGNATURE}"`, 'the signature block is truncated');
    pos = l[2];
    line++;
    const text = armorLine(input, l[0], l[1]);
    if (text === END_SIGNATURE) {
      sigEnd = pos;
      break;
    }
    if (text.startsWith('-----')) {
      throw malformed(
        line - 1,
        `unexpected armor line ${JSON.stringify(text.slice(0, 60))} in the signature block`,
        'the signature block must end with "-----END PGP SIGNATURE-----"',
      );
    }
  }

  // Only blank lines may follow: anything else would be unsigned content next to signed content.
  for (l = nextLine(); l !== null; l = nextLine()) {
    if (armorLine(input, l[0], l[1]) !== '') {
      throw malformed(
        line,
        'text after the signature block',
        'a clearsigned file holds exactly one signed message; remove what follows "-----END PGP SIGNATURE-----"',
      );
    }
    pos = l[2];
    line++;
  }

  const signature = input.slice(sigStart, sigEnd);
  return {
    hashes,
    text: textParts.length === 0 ? '' : textParts.join('\n') + '\n',
    signature,
    raw: {
      leading: input.slice(0, leadingEnd),
      header: input.slice(leadingEnd, headerEnd),
      body: input.slice(headerEnd, bodyEnd),
      signature,
      trailing: input.slice(sigEnd),
    },
  };
}

/** Re-assembles a message from its raw parts (byte-identical to what `readClearsigned` read). */
export function formatClearsigned(c: Clearsigned): string {
  return c.raw.leading + c.raw.header + c.raw.body + c.raw.signature + c.raw.trailing;
}

/** Dash-escapes text for a cleartext body (RFC 4880 §7.1): lines starting with "-" get a "- " prefix. */
export function dashEscape(text: string): string {
  return text.replace(/^-/gm, '- -');
}
