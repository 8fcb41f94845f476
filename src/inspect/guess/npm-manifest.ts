/**
 * An npm package's manifest (`package.json` at the upload's root or in its single top directory, where `npm pack`
 * puts `package/`) as a source of guesses: prebuilt binaries and .node addons ship this way (esbuild, turbo, sharp…).
 * Its name and version beat the tarball name's split: `turbo-linux-64-2.8.17.tgz` read as name "turbo-linux",
 * version "64.2.8.17" — the manifest says turbo-linux-64 2.8.17.
 *
 * Unlike pkgme.json and devportal-metadata.json (the developer's instructions to pkgme, an error when malformed),
 * the manifest was written for npm: it is read leniently (anything malformed or missing is simply not a guess) and
 * with less confidence than the developer's own metadata, which wins field by field. Only name, version,
 * description (the synopsis), homepage and license are taken; the license only as a fallback for an upload without
 * a license file (the caller decides), since a LICENSE text says more than an id.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { guess } from './field.ts';
import type { MetadataFields } from './metadata.ts';

/** npm's own limit-free manifests are a few KiB; a bigger package.json is not read. */
const MAX_MANIFEST_BYTES = 256 * 1024;
/** Below the developer's metadata (1), above the upload-name heuristic (0.7). */
const CONFIDENCE = 0.85;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** `@scope/name` → `scope-name`: the Debian name the guessers then make policy-valid. */
export function npmNameToPackage(name: string): string {
  return name.replace(/^@/, '').replace(/\//g, '-');
}

/** An SPDX expression as npm's `license` field holds it; not "SEE LICENSE IN …" nor "UNLICENSED". */
function spdxLicense(v: unknown): string | undefined {
  const s = str(v);
  if (s === undefined || /^SEE LICEN[CS]E IN\b/i.test(s) || /^UNLICEN[CS]ED$/i.test(s)) return undefined;
  return /^[A-Za-z0-9.+\-: ()]+$/.test(s) ? s : undefined;
}

/** The manifest's guesses, `{}` when there is none (or it is not an npm manifest with a name and a version). */
export function readNpmManifest(root: string): MetadataFields {
  const dirs = [{ dir: root, prefix: '' }];
  try {
    const top = readdirSync(root, { withFileTypes: true });
    const only = top.length === 1 ? top[0] : undefined;
    if (only?.isDirectory() === true) dirs.push({ dir: join(root, only.name), prefix: `${only.name}/` });
  } catch {
    return {};
  }
  for (const { dir, prefix } of dirs) {
    const path = join(dir, 'package.json');
    let manifest: unknown;
    try {
      const st = statSync(path);
      if (!st.isFile() || st.size > MAX_MANIFEST_BYTES) continue;
      manifest = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      continue;
    }
    if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) continue;
    const m = manifest as Record<string, unknown>;
    const name = str(m.name);
    const version = str(m.version);
    if (name === undefined || version === undefined) continue;
    const source = `metadata:${prefix}package.json`;
    const out: MetadataFields = {
      package: guess(npmNameToPackage(name), source, CONFIDENCE),
      version: guess(version, source, CONFIDENCE),
    };
    const description = str(m.description);
    if (description !== undefined) out.summary = guess(description, source, CONFIDENCE);
    const homepage = str(m.homepage);
    if (homepage !== undefined && /^https?:\/\//.test(homepage))
      out.homepage = guess(homepage, source, CONFIDENCE);
    const license = spdxLicense(m.license);
    if (license !== undefined) out.license = guess(license, source, CONFIDENCE);
    return out;
  }
  return {};
}
