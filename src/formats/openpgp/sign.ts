/**
 * Signing with openpgp.js: clearsigned messages (InRelease, signed .dsc/.changes) and detached signatures
 * (Release.gpg). The output is what bookworm's gpgv accepts (checked by the tests with gpgv and a keyring made of our
 * public key), with ed25519 (legacy EdDSA, which gpg 2.2 reads) and RSA keys.
 */
import * as openpgp from 'openpgp';
import type { PrivateKey } from './keyring.ts';
import { BEGIN_SIGNED, dashEscape } from './clearsign.ts';

export interface SignOptions {
  /** Signature creation time (default now); fixed dates make reproducible test fixtures. */
  date?: Date;
}

/**
 * Clearsigns `text`. One final `\n` of the text is dropped before signing: the line end before the signature block
 * belongs to the armor (RFC 4880 §7.1). openpgp.js makes the signature; the wrapper is written here, the way gpg
 * writes it (LF line ends, trailing spaces kept, `Hash:` header), because openpgp.js's own armor rewrites the body
 * with CRLF and strips trailing spaces, which would change the text a deb822 reader sees. `readClearsigned` on the
 * result gives back exactly `text`.
 */
export async function clearsign(
  text: string,
  keys: PrivateKey | PrivateKey[],
  opts: SignOptions = {},
): Promise<string> {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const message = await openpgp.createCleartextMessage({ text: body });
  const signed = (await openpgp.sign({
    message,
    signingKeys: keys,
    date: opts.date ?? new Date(),
    format: 'object',
  })) as openpgp.CleartextMessage & { signature: openpgp.Signature };
  const hashes = [
    ...new Set(
      signed.signature.packets.map((p) =>
        openpgp.enums.read(openpgp.enums.hash, p.hashAlgorithm!).toUpperCase(),
      ),
    ),
  ];
  const armored = signed.signature.armor();
  return `${BEGIN_SIGNED}\nHash: ${hashes.join(',')}\n\n${dashEscape(body)}\n${armored.endsWith('\n') ? armored : armored + '\n'}`;
}

/** A detached, ASCII-armored signature over the exact bytes of `data` (binary signature type, like Release.gpg). */
export async function signDetached(
  data: Uint8Array | string,
  keys: PrivateKey | PrivateKey[],
  opts: SignOptions = {},
): Promise<string> {
  const binary = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const message = await openpgp.createMessage({ binary });
  return openpgp.sign({ message, signingKeys: keys, detached: true, date: opts.date ?? new Date() });
}
