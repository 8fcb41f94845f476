/**
 * The keyring an InRelease is checked against, as apt chooses it: the source's Signed-By (a keyring file or an inline
 * key block), else the system's trusted keys (/usr/share/keyrings/debian-archive-keyring.gpg and
 * /etc/apt/trusted.gpg.d/*.gpg|*.asc).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PkgmeError } from '../../../errors.ts';
import { readKeyring, type PublicKey } from '../../../formats/openpgp/index.ts';
import type { SignedBy } from './sources.ts';

export const SYSTEM_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
export const TRUSTED_DIR = '/etc/apt/trusted.gpg.d';

function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new PkgmeError('APT_KEYRING', `cannot read keyring ${path}: ${(err as Error).message}`, 'input', {
      hint: 'fix the Signed-By path of the source, or install the keyring package (debian-archive-keyring)',
      details: { path },
      cause: err,
    });
  }
}

/** The files apt trusts when a source has no Signed-By. */
export function systemKeyringFiles(keyring = SYSTEM_KEYRING, trustedDir = TRUSTED_DIR): string[] {
  const files = existsSync(keyring) ? [keyring] : [];
  if (existsSync(trustedDir)) {
    for (const n of readdirSync(trustedDir).sort()) {
      if (n.endsWith('.gpg') || n.endsWith('.asc')) files.push(join(trustedDir, n));
    }
  }
  return files;
}

/** Loads the public keys for a source. */
export async function loadKeys(
  signedBy: SignedBy | undefined,
  systemFiles = systemKeyringFiles(),
): Promise<PublicKey[]> {
  if (signedBy && 'inline' in signedBy) return readKeyring(signedBy.inline, 'inline Signed-By');
  const files = signedBy ? [signedBy.path] : systemFiles;
  if (files.length === 0) {
    throw new PkgmeError(
      'APT_KEYRING',
      'no keyring: the source has no Signed-By and the system has no apt keys',
      'input',
      {
        hint: `give one: --source "deb [signed-by=/path/key.gpg] URI suite main", or install debian-archive-keyring`,
      },
    );
  }
  const keys: PublicKey[] = [];
  for (const f of files) keys.push(...(await readKeyring(readFile(f), f)));
  return keys;
}
