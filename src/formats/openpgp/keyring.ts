/**
 * Keyrings for verification: the bytes of an apt keyring (binary, like /usr/share/keyrings/*.gpg and
 * /etc/apt/trusted.gpg.d/*.gpg, or ASCII-armored, like *.asc) read into openpgp.js public keys.
 *
 * The format layer does no file I/O: callers read the files and pass the bytes, possibly several keyrings joined
 * with `concat`.
 */
import * as openpgp from 'openpgp';
import { PkgmeError } from '../../errors.ts';

export type PublicKey = openpgp.PublicKey;
export type PrivateKey = openpgp.PrivateKey;

const ARMOR_BEGIN = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----/;

function badKey(source: string, problem: string, hint: string, cause?: unknown): PkgmeError {
  return new PkgmeError('PGP_BAD_KEY', `${source}: ${problem}`, 'input', {
    hint,
    details: { source },
    cause,
  });
}

/** Splits text holding one or more armored key blocks into the blocks. */
function armoredBlocks(text: string): string[] {
  const blocks: string[] = [];
  const re = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) blocks.push(m[0]);
  return blocks;
}

/**
 * Reads every public key in a keyring (binary packets or one or more armored blocks). Secret keys are reduced to
 * their public part. Throws PGP_BAD_KEY when nothing usable is found.
 */
export async function readKeyring(data: Uint8Array | string, source = 'keyring'): Promise<PublicKey[]> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 4096)));
  let keys: openpgp.Key[];
  if (bytes.length >= 8 && head.slice(8, 12) === 'KBXf') {
    throw badKey(
      source,
      'a GnuPG keybox (.kbx) file, not an OpenPGP keyring',
      'export the keys: gpg --export KEYID > file.gpg',
    );
  }
  try {
    if (ARMOR_BEGIN.test(head) || (typeof data === 'string' && ARMOR_BEGIN.test(data))) {
      const text = typeof data === 'string' ? data : new TextDecoder().decode(bytes);
      const blocks = armoredBlocks(text);
      if (blocks.length === 0) throw new Error('unterminated armored key block');
      keys = [];
      for (const armoredKeys of blocks) keys.push(...(await openpgp.readKeys({ armoredKeys })));
    } else {
      keys = await openpgp.readKeys({ binaryKeys: bytes });
    }
  } catch (err) {
    if (err instanceof PkgmeError) throw err;
    throw badKey(
      source,
      `cannot read the keys: ${(err as Error)?.message ?? String(err)}`,
      'pass an OpenPGP keyring: binary (gpg --export) or ASCII-armored (gpg --export --armor)',
      err,
    );
  }
  if (keys.length === 0) throw badKey(source, 'no key found', 'the keyring is empty');
  return keys.map((k) => (k.isPrivate() ? k.toPublic() : (k as PublicKey)));
}

/**
 * Reads a private key for signing (armored or binary), decrypting it with the passphrase if it is protected.
 * Throws PGP_BAD_KEY.
 */
export async function readSigningKey(data: Uint8Array | string, passphrase?: string): Promise<PrivateKey> {
  let key: PrivateKey;
  try {
    key =
      typeof data === 'string' || ARMOR_BEGIN.test(new TextDecoder('latin1').decode(data.subarray(0, 256)))
        ? await openpgp.readPrivateKey({
            armoredKey: typeof data === 'string' ? data : new TextDecoder().decode(data),
          })
        : await openpgp.readPrivateKey({ binaryKey: data });
  } catch (err) {
    throw badKey(
      'signing key',
      `cannot read the private key: ${(err as Error)?.message ?? String(err)}`,
      'pass an OpenPGP secret key (gpg --export-secret-keys)',
      err,
    );
  }
  if (!key.isDecrypted()) {
    if (passphrase === undefined) {
      throw badKey('signing key', 'the private key is protected by a passphrase', 'give the passphrase');
    }
    try {
      key = await openpgp.decryptKey({ privateKey: key, passphrase });
    } catch (err) {
      throw badKey('signing key', 'wrong passphrase for the private key', 'check the passphrase', err);
    }
  }
  return key;
}

/** Public information about a key, for reports (`--json`) and for naming the signer of a verified file. */
export interface KeyInfo {
  /** Fingerprint of the primary key, upper-case hex. */
  fingerprint: string;
  /** The 16-hex-digit key ID of the primary key, upper-case. */
  keyId: string;
  userIds: string[];
  algorithm: string;
  created: string;
}

export function keyInfo(key: openpgp.Key): KeyInfo {
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    keyId: key.getKeyID().toHex().toUpperCase(),
    userIds: key.getUserIDs(),
    algorithm: key.getAlgorithmInfo().algorithm,
    created: key.getCreationTime().toISOString(),
  };
}
