/**
 * The developer's own metadata file (issue 4, "Metadata file"): the original store's `devportal-metadata.json` and
 * pkgme's documented `pkgme.json` (docs/guesses.md). What the developer wrote beats any heuristic, so every field read
 * here has confidence 1 and source `metadata:<file>`.
 *
 * The file is untrusted input: it is size-limited, parsed with JSON.parse (no code runs), and every key is
 * type-checked. A malformed file is an error, not a silent fallback, because the developer meant it to be read.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PkgmeError } from '../../errors.ts';
import { guess, type Guess } from './field.ts';

export const METADATA_FILES = ['pkgme.json', 'devportal-metadata.json'] as const;
export type MetadataFileName = (typeof METADATA_FILES)[number];

/** A metadata file is a few hundred bytes; anything larger is not one. */
export const MAX_METADATA_BYTES = 1 << 20;

/** pkgme's field names; both file formats map onto these. */
export interface MetadataFields {
  name?: Guess<string>;
  package?: Guess<string>;
  version?: Guess<string>;
  description?: Guess<string>;
  summary?: Guess<string>;
  categories?: Guess<string[]>;
  icons?: Guess<string[]>;
  license?: Guess<string>;
  maintainer?: Guess<string>;
  homepage?: Guess<string>;
}

type Kind = 'string' | 'strings';
interface KeySpec {
  field: keyof MetadataFields;
  kind: Kind;
}

/**
 * devportal keys → pkgme fields. `package_name` (what the developer asked for) wins over `suggested_package_name`
 * (what the store proposed), which is why the order matters: later entries only fill fields still empty.
 */
const DEVPORTAL: Record<string, KeySpec> = {
  name: { field: 'name', kind: 'string' },
  package_name: { field: 'package', kind: 'string' },
  suggested_package_name: { field: 'package', kind: 'string' },
  suggested_version: { field: 'version', kind: 'string' },
  description: { field: 'description', kind: 'string' },
  tagline: { field: 'summary', kind: 'string' },
  categories: { field: 'categories', kind: 'strings' },
  icons: { field: 'icons', kind: 'strings' },
  license: { field: 'license', kind: 'string' },
  maintainer: { field: 'maintainer', kind: 'string' },
  website: { field: 'homepage', kind: 'string' },
};

const PKGME: Record<string, KeySpec> = Object.fromEntries(
  (
    [
      ['name', 'string'],
      ['package', 'string'],
      ['version', 'string'],
      ['description', 'string'],
      ['summary', 'string'],
      ['categories', 'strings'],
      ['icons', 'strings'],
      ['license', 'string'],
      ['maintainer', 'string'],
      ['homepage', 'string'],
    ] as const
  ).map(([k, kind]) => [k, { field: k, kind }]),
);

function invalid(file: string, key: string | undefined, problem: string, hint: string): PkgmeError {
  const where = key === undefined ? file : `${file}: key "${key}"`;
  return new PkgmeError('METADATA_INVALID', `${where}: ${problem}`, 'input', {
    hint,
    details: { file, ...(key === undefined ? {} : { key }), problem },
  });
}

/**
 * devportal's `icons` was an object `{ "48x48": "path" }` in some uploads and a list in others; both give paths.
 * Categories may be a `;`-separated string as in .desktop files.
 */
function asStrings(file: string, key: string, v: unknown): string[] {
  if (typeof v === 'string')
    return v
      .split(/[;,]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const items = Array.isArray(v) ? v : v !== null && typeof v === 'object' ? Object.values(v) : undefined;
  if (items === undefined || !items.every((x): x is string => typeof x === 'string'))
    throw invalid(
      file,
      key,
      `expected a list of strings, got ${JSON.stringify(v)?.slice(0, 80)}`,
      `Write "${key}": ["…", "…"].`,
    );
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** Parses one metadata file's text. Unknown keys are ignored (devportal files carried store-internal ones). */
export function parseMetadata(file: MetadataFileName, text: string): MetadataFields {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalid(
      file,
      undefined,
      `not valid JSON (${(err as Error).message})`,
      'Fix the JSON syntax (e.g. with `jq . FILE`).',
    );
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw invalid(
      file,
      undefined,
      'the top level is not a JSON object',
      'Write the file as { "key": value, … }.',
    );
  const specs = file === 'pkgme.json' ? PKGME : DEVPORTAL;
  const out: MetadataFields = {};
  const source = `metadata:${file}`;
  for (const [key, spec] of Object.entries(specs)) {
    const v = (doc as Record<string, unknown>)[key];
    if (v === undefined || v === null || out[spec.field] !== undefined) continue;
    if (spec.kind === 'string') {
      if (typeof v !== 'string')
        throw invalid(
          file,
          key,
          `expected a string, got ${typeof v}`,
          `Write "${key}": "…" (a JSON string).`,
        );
      const s = v.trim();
      if (s === '') continue;
      (out as Record<string, Guess<string>>)[spec.field] = guess(s, source, 1);
    } else {
      const list = asStrings(file, key, v);
      if (list.length > 0) (out as Record<string, Guess<string[]>>)[spec.field] = guess(list, source, 1);
    }
  }
  return out;
}

function fileIn(dir: string, name: string): string | undefined {
  const p = join(dir, name);
  try {
    return statSync(p).isFile() ? p : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the metadata file of an unpacked upload: at its root, or in its single top directory (tarballs usually
 * wrap everything in `foo-1.0/`). pkgme.json wins over devportal-metadata.json when both exist; fields missing from
 * it are filled from the other. Returns {} when there is none.
 */
export function readMetadata(root: string): MetadataFields {
  const dirs = [root];
  const top = readdirSync(root, { withFileTypes: true });
  const only = top.length === 1 ? top[0] : undefined;
  if (only?.isDirectory() === true) dirs.push(join(root, only.name));
  const out: MetadataFields = {};
  for (const dir of dirs)
    for (const name of METADATA_FILES) {
      const p = fileIn(dir, name);
      if (p === undefined) continue;
      const size = statSync(p).size;
      if (size > MAX_METADATA_BYTES)
        throw invalid(
          name,
          undefined,
          `${size} bytes, over the ${MAX_METADATA_BYTES}-byte limit`,
          'A metadata file holds a few fields; remove what is not metadata.',
        );
      const fields = parseMetadata(name, readFileSync(p, 'utf8'));
      for (const [k, v] of Object.entries(fields)) {
        const key = k as keyof MetadataFields;
        if (out[key] === undefined) (out as Record<string, unknown>)[key] = v;
      }
    }
  return out;
}
