/**
 * apt sources: the one-line format (sources.list, sources.list.d/*.list) and the deb822 format
 * (sources.list.d/*.sources), normalised to one entry per (URI, suite).
 *
 * The importer never names a mirror itself: it reads the machine's sources or the `--source` line the user gives,
 * so a laptop behind a local mirror and CI against the official one run the same code.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PkgmeError } from '../../../errors.ts';
import { parseDeb822, splitWhitespace } from '../../../formats/deb822/index.ts';

/** Signed-By: a keyring file path, or an inline ASCII-armored key block (deb822 only). */
export type SignedBy = { path: string } | { inline: string };

export interface AptSource {
  /** The archive root, without a trailing slash, e.g. http://host/debian. */
  uri: string;
  suite: string;
  components: string[];
  /** Architectures from `arch=`/Architectures; empty means "the machine's". */
  archs: string[];
  signedBy?: SignedBy;
  /** Where the entry was read from (file:line, or "--source"). */
  origin: string;
}

function bad(origin: string, problem: string): PkgmeError {
  return new PkgmeError('APT_SOURCES_SYNTAX', `${origin}: ${problem}`, 'input', {
    hint: 'write it like apt does: deb [arch=amd64 signed-by=/path/key.gpg] URI suite component…',
    details: { origin },
  });
}

function trimUri(uri: string): string {
  return uri.replace(/\/+$/, '');
}

/** `signed-by` values that are fingerprints (apt allows them) cannot be loaded from a file: keep them out. */
function signedByValue(v: string): SignedBy | undefined {
  const t = v.trim();
  if (t === '') return undefined;
  if (t.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) return { inline: t };
  return { path: t.split(',')[0]!.trim() };
}

/**
 * Parses one `deb …` line. Returns undefined for comments, blank lines and `deb-src`. Options in brackets:
 * `arch=a,b`, `signed-by=path`; others (trusted, lang…) are ignored as they do not change what is fetched.
 */
export function parseSourceLine(line: string, origin = '--source'): AptSource | undefined {
  const text = line.replace(/#.*$/, '').trim();
  if (text === '') return undefined;
  const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(text);
  if (!m) throw bad(origin, `not a sources line: ${JSON.stringify(text.slice(0, 120))}`);
  if (m[1] === 'deb-src') return undefined;
  const src: AptSource = {
    uri: trimUri(m[3]!),
    suite: m[4]!,
    components: splitWhitespace(m[5] ?? ''),
    archs: [],
    origin,
  };
  for (const opt of splitWhitespace(m[2] ?? '')) {
    const eq = opt.indexOf('=');
    if (eq < 0) continue;
    const key = opt.slice(0, eq).toLowerCase();
    const value = opt.slice(eq + 1);
    if (key === 'arch') src.archs = value.split(',').filter((a) => a !== '');
    else if (key === 'signed-by') {
      const sb = signedByValue(value);
      if (sb) src.signedBy = sb;
    }
  }
  if (src.suite.endsWith('/'))
    throw bad(origin, `flat repositories (suite "${src.suite}") are not supported`);
  if (src.components.length === 0) throw bad(origin, `no component after suite "${src.suite}"`);
  return src;
}

/** Parses a one-line-format file (sources.list or *.list). */
export function parseOneLineSources(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  text.split('\n').forEach((line, i) => {
    const s = parseSourceLine(line, `${file}:${i + 1}`);
    if (s) out.push(s);
  });
  return out;
}

/** Parses a deb822 `.sources` file: one entry per URI × suite of each enabled paragraph with Types: deb. */
export function parseDeb822Sources(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  // apt allows '#' comment lines inside .sources paragraphs (the machine's own file has them).
  const paragraphs = parseDeb822(text, { allowComments: true, source: file });
  paragraphs.forEach((p, i) => {
    const origin = `${file} (paragraph ${i + 1})`;
    if ((p.get('Enabled') ?? 'yes').trim().toLowerCase() === 'no') return;
    const types = splitWhitespace(p.get('Types') ?? '');
    if (!types.includes('deb')) return;
    const uris = splitWhitespace(p.get('URIs') ?? '');
    const suites = splitWhitespace(p.get('Suites') ?? '');
    if (uris.length === 0) throw bad(origin, 'no URIs field');
    if (suites.length === 0) throw bad(origin, 'no Suites field');
    const components = splitWhitespace(p.get('Components') ?? '');
    const archs = splitWhitespace(p.get('Architectures') ?? '');
    const signed = p.get('Signed-By');
    const signedBy = signed === undefined ? undefined : signedByValue(signed);
    for (const uri of uris) {
      for (const suite of suites) {
        if (suite.endsWith('/')) throw bad(origin, `flat repositories (suite "${suite}") are not supported`);
        if (components.length === 0) throw bad(origin, `no Components for suite "${suite}"`);
        out.push({
          uri: trimUri(uri),
          suite,
          components,
          archs,
          ...(signedBy ? { signedBy } : {}),
          origin,
        });
      }
    }
  });
  return out;
}

/**
 * The machine's apt sources under `root` (default /etc/apt): sources.list, sources.list.d/*.list and *.sources,
 * in apt's order (main file, then the directory sorted by name). Files with other suffixes (.disabled…) are skipped
 * as apt skips them.
 */
export function readSystemSources(root = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const main = join(root, 'sources.list');
  if (existsSync(main)) out.push(...parseOneLineSources(readFileSync(main, 'utf8'), main));
  const dir = join(root, 'sources.list.d');
  const names = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const name of names) {
    const file = join(dir, name);
    if (name.endsWith('.list')) out.push(...parseOneLineSources(readFileSync(file, 'utf8'), file));
    else if (name.endsWith('.sources')) out.push(...parseDeb822Sources(readFileSync(file, 'utf8'), file));
  }
  if (out.length === 0) {
    throw new PkgmeError('APT_NO_SOURCES', `no "deb" source in ${main} or ${dir}`, 'usage', {
      hint: 'pass one: --source "deb [arch=amd64] URI suite main"',
      details: { root },
    });
  }
  return out;
}
