/**
 * Makes tar-stream keep each header's raw typeflag byte.
 *
 * Why: tar-stream maps typeflags it does not know (GNU sparse 'S', volume label 'V', multi-volume 'M', dump dir 'D'…)
 * to `type: null`, so a reader cannot tell a sparse file (which we reject by name, see read.ts) from any other oddity.
 * tar-stream exports no hook, so we wrap its header decoder once, adding a `typeflag` field (the character) to every
 * header it returns. Its extract module requires the same module instance ('./headers'), so the wrap takes effect
 * for every extract created afterwards. If a tar-stream upgrade moves the file, this throws at load, loudly.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface HeadersModule {
  decode: (buf: Uint8Array, ...rest: unknown[]) => Record<string, unknown> | null;
  __pkgmeTypeflag?: true;
}

const require = createRequire(import.meta.url);
const headers = require(join(dirname(require.resolve('tar-stream')), 'headers.js')) as HeadersModule;

if (!headers.__pkgmeTypeflag) {
  const decode = headers.decode;
  headers.decode = (buf, ...rest) => {
    const h = decode(buf, ...rest);
    if (h) h.typeflag = buf[156] === 0 ? '0' : String.fromCharCode(buf[156]!);
    return h;
  };
  headers.__pkgmeTypeflag = true;
}

/** The raw typeflag character of a header that went through tar-stream (after this module loaded). */
export function typeflagOf(header: object): string | undefined {
  const t = (header as { typeflag?: unknown }).typeflag;
  return typeof t === 'string' ? t : undefined;
}
