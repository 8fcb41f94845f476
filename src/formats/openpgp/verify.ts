/**
 * Signature verification for apt's signed files with openpgp.js: InRelease and signed .dsc/.changes (clearsigned)
 * and Release.gpg (detached, over the exact bytes of Release).
 *
 * The rules follow gpgv as apt uses it: the file is good when at least one signature verifies with a key of the
 * keyring; a signature by a key of the keyring that does not verify makes the file bad (tampering), whatever the other
 * signatures say; signatures by keys outside the keyring are reported but ignored. Errors are typed:
 * PGP_MALFORMED (not a signature / broken armor), PGP_BAD_SIGNATURE (a known key's signature fails: the data were
 * changed), PGP_UNKNOWN_KEY (no signature is by a key of the keyring).
 */
import * as openpgp from 'openpgp';
import { PkgmeError } from '../../errors.ts';
import { readClearsigned, type Clearsigned } from './clearsign.ts';
import { keyInfo, type KeyInfo, type PublicKey } from './keyring.ts';

export interface Signer extends KeyInfo {
  /** The key ID that made the signature (often a signing subkey of the primary key), upper-case hex. */
  signingKeyId: string;
  /** When the signature was made. */
  signed: string;
}

export interface VerifyResult {
  /** Keys of the keyring whose signatures verified. Never empty. */
  signers: Signer[];
  /** Key IDs of signatures by keys not in the keyring (ignored, as gpgv does). */
  unknownKeyIds: string[];
}

export interface ClearsignedVerifyResult extends VerifyResult {
  /** The verified text (see Clearsigned.text): exactly what was signed, dash-escaping removed. */
  text: string;
  message: Clearsigned;
}

export interface VerifyOptions {
  /** Check signatures and keys at this time instead of now (e.g. for archived files). */
  date?: Date;
}

function malformed(problem: string, cause?: unknown): PkgmeError {
  return new PkgmeError('PGP_MALFORMED', `signature: ${problem}`, 'input', {
    hint: 'the signature block is damaged or not an OpenPGP signature; fetch the file again',
    cause,
  });
}

function message(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

/** Classifies openpgp.js verification results into signers, unknown keys, or a typed error. */
async function judge(
  signatures: openpgp.VerifyMessageResult['signatures'],
  keys: PublicKey[],
  what: string,
): Promise<VerifyResult> {
  if (signatures.length === 0) throw malformed('no signature packet found');
  const signers: Signer[] = [];
  const unknownKeyIds: string[] = [];
  for (const s of signatures) {
    const id = s.keyID.toHex().toUpperCase();
    const key = keys.find((k) => k.getKeys(s.keyID).length > 0);
    if (key === undefined) {
      unknownKeyIds.push(id);
      // Settle the promise so an unknown key never surfaces as an unhandled rejection.
      s.verified.catch(() => undefined);
      continue;
    }
    try {
      await s.verified;
    } catch (err) {
      throw new PkgmeError(
        'PGP_BAD_SIGNATURE',
        `${what}: bad signature by key ${id} (${key.getUserIDs()[0] ?? key.getFingerprint()}): ${message(err)}`,
        'input',
        {
          hint: 'the signed data do not match the signature (altered or corrupted in transit), or the key is expired or revoked',
          details: { keyId: id, fingerprint: key.getFingerprint().toUpperCase(), reason: message(err) },
          cause: err,
        },
      );
    }
    const sig = await s.signature;
    const created = sig.packets[0]?.created;
    signers.push({ ...keyInfo(key), signingKeyId: id, signed: created ? created.toISOString() : '' });
  }
  if (signers.length === 0) {
    throw new PkgmeError(
      'PGP_UNKNOWN_KEY',
      `${what}: signed by ${unknownKeyIds.join(', ')}, not in the keyring`,
      'input',
      {
        hint: "add the signer's public key to the keyring (for Debian: /usr/share/keyrings/debian-archive-keyring.gpg)",
        details: { keyIds: unknownKeyIds },
      },
    );
  }
  return { signers, unknownKeyIds };
}

/** Compares two texts as the signature sees them: line ends normalised, trailing spaces and tabs dropped per line. */
function canonical(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t\r]+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}

/** Verifies a clearsigned message (InRelease, signed .dsc/.changes) against a keyring. */
export async function verifyClearsigned(
  input: string,
  keys: PublicKey[],
  opts: VerifyOptions = {},
): Promise<ClearsignedVerifyResult> {
  const parsed = readClearsigned(input);
  // RFC 9580 makes the header optional, but gpgv (what apt runs) treats its absence as MD5 and rejects the file: a
  // file apt would refuse must not pass here.
  if (parsed.hashes.length === 0) {
    throw new PkgmeError('PGP_MALFORMED', 'clearsigned message without a "Hash:" header', 'input', {
      hint: 'gpgv rejects clearsigned messages without "Hash:" (it assumes MD5); sign again with a current tool',
    });
  }
  let msg: openpgp.CleartextMessage;
  try {
    msg = await openpgp.readCleartextMessage({ cleartextMessage: input });
  } catch (err) {
    throw malformed(message(err), err);
  }
  // Both parsers must agree on the signed text, else what we return might not be what was verified.
  if (canonical(msg.getText()) !== canonical(parsed.text)) {
    throw malformed('the signed text is ambiguous (two readers disagree on it)');
  }
  let result: openpgp.VerifyMessageResult;
  try {
    result = await openpgp.verify({ message: msg, verificationKeys: keys, date: opts.date ?? new Date() });
  } catch (err) {
    throw malformed(message(err), err);
  }
  const verdict = await judge(result.signatures, keys, 'clearsigned message');
  return { ...verdict, text: parsed.text, message: parsed };
}

async function readAnySignature(signature: string | Uint8Array): Promise<openpgp.Signature> {
  try {
    if (typeof signature === 'string') return await openpgp.readSignature({ armoredSignature: signature });
    const head = new TextDecoder('latin1').decode(signature.subarray(0, 64));
    if (head.includes('-----BEGIN PGP SIGNATURE-----')) {
      return await openpgp.readSignature({ armoredSignature: new TextDecoder().decode(signature) });
    }
    return await openpgp.readSignature({ binarySignature: signature });
  } catch (err) {
    throw malformed(message(err), err);
  }
}

/** Verifies a detached signature (Release.gpg, armored or binary) over the exact bytes of `data`. */
export async function verifyDetached(
  data: Uint8Array | string,
  signature: string | Uint8Array,
  keys: PublicKey[],
  opts: VerifyOptions = {},
): Promise<VerifyResult> {
  const sig = await readAnySignature(signature);
  const binary = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let result: openpgp.VerifyMessageResult<Uint8Array>;
  try {
    const message = await openpgp.createMessage({ binary });
    result = await openpgp.verify({
      message,
      signature: sig,
      verificationKeys: keys,
      format: 'binary',
      date: opts.date ?? new Date(),
    });
  } catch (err) {
    throw malformed(message(err), err);
  }
  return judge(result.signatures, keys, 'detached signature');
}
