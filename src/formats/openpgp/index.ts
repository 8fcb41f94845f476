/**
 * The OpenPGP wrappers' public API: clearsigned messages (read, re-assemble), keyrings, verification and signing.
 * Import from here; the files behind it may move.
 */
export {
  readClearsigned,
  formatClearsigned,
  isClearsigned,
  dashEscape,
  BEGIN_SIGNED,
  BEGIN_SIGNATURE,
  END_SIGNATURE,
  type Clearsigned,
} from './clearsign.ts';
export {
  readKeyring,
  readSigningKey,
  keyInfo,
  type KeyInfo,
  type PublicKey,
  type PrivateKey,
} from './keyring.ts';
export {
  verifyClearsigned,
  verifyDetached,
  type Signer,
  type VerifyResult,
  type ClearsignedVerifyResult,
  type VerifyOptions,
} from './verify.ts';
export { clearsign, signDetached, type SignOptions } from './sign.ts';
