/**
 * `pkgme deb822 show|verify|sign`: control files and apt indices read with pkgme's own deb822 parser, and OpenPGP
 * signatures (InRelease, signed .dsc, Release.gpg) checked or made with pkgme's verifier and signer. Useful to see
 * exactly what pkgme reads from a file, and to check an archive's signatures without gpg.
 */
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { PkgmeError } from '../../errors.ts';
import { decompressBuffer } from '../../formats/compress/index.ts';
import { decodeDeb822, parseDeb822 } from '../../formats/deb822/index.ts';
import {
  clearsign,
  isClearsigned,
  readClearsigned,
  readKeyring,
  readSigningKey,
  signDetached,
  verifyClearsigned,
  verifyDetached,
  type PublicKey,
  type VerifyResult,
} from '../../formats/openpgp/index.ts';

function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new PkgmeError('FILE_UNREADABLE', `cannot read ${path}: ${(err as Error).message}`, 'usage', {
      hint: 'check the path and its permissions',
      details: { path },
      cause: err,
    });
  }
}

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : text);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function keyring(paths: string[]): Promise<PublicKey[]> {
  if (paths.length === 0) {
    throw new PkgmeError('KEYRING_MISSING', 'no keyring given', 'usage', {
      hint: 'pass --keyring FILE (e.g. /usr/share/keyrings/debian-archive-keyring.gpg); repeat it for several',
    });
  }
  const keys: PublicKey[] = [];
  for (const p of paths) keys.push(...(await readKeyring(readInput(p), p)));
  return keys;
}

function signerLines(r: VerifyResult): string {
  const lines = r.signers.map(
    (s) => `good signature by ${s.fingerprint} ${s.userIds[0] ?? ''} (key ${s.signingKeyId})`,
  );
  for (const id of r.unknownKeyIds) lines.push(`signature by ${id}: key not in the keyring (ignored)`);
  return lines.join('\n') + '\n';
}

export function register(program: Command): void {
  const cmd = program.command('deb822').description('Read deb822 control files and OpenPGP-signed apt files');

  cmd
    .command('show')
    .description(
      'Parse a control file, index (compressed or not) or clearsigned file and print its paragraphs',
    )
    .argument('<file>', 'the file')
    .option('--field <name>', 'print only this field (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { field: string[]; json?: boolean }) => {
      let text = decodeDeb822(await decompressBuffer(readInput(file)), { source: file });
      const signed = isClearsigned(text);
      if (signed) text = readClearsigned(text).text;
      const ps = parseDeb822(text, { source: file });
      const pick = (o: Record<string, string>): Record<string, string> => {
        if (opts.field.length === 0) return o;
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(o)) {
          if (opts.field.some((f) => f.toLowerCase() === k.toLowerCase())) out[k] = v;
        }
        return out;
      };
      const paragraphs = ps.map((p) => pick(p.toJSON()));
      const plain = paragraphs
        .map((o) =>
          Object.entries(o)
            .map(([k, v]) => `${k}: ${v.replace(/\n/g, '\n ')}`)
            .join('\n'),
        )
        .filter((s) => s.length > 0)
        .join('\n\n');
      print(
        opts.json === true,
        { file, clearsigned: signed, paragraphs },
        plain.length > 0 ? plain + '\n' : '',
      );
    });

  cmd
    .command('verify')
    .description('Verify a clearsigned file (InRelease, .dsc, .changes) or, with --detached, a Release.gpg')
    .argument('<file>', 'the clearsigned file, or the signed data with --detached')
    .option('--keyring <file>', 'a keyring, binary or armored (repeatable)', collect, [])
    .option('--detached <sig>', 'a detached signature (Release.gpg) over <file>')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { keyring: string[]; detached?: string; json?: boolean }) => {
      const keys = await keyring(opts.keyring);
      const data = readInput(file);
      if (opts.detached !== undefined) {
        const r = await verifyDetached(data, readInput(opts.detached), keys);
        print(opts.json === true, { file, signature: opts.detached, ...r }, signerLines(r));
        return;
      }
      const r = await verifyClearsigned(data.toString('utf8'), keys);
      print(opts.json === true, { file, signers: r.signers, unknownKeyIds: r.unknownKeyIds }, signerLines(r));
    });

  cmd
    .command('sign')
    .description('Clearsign a file (or make a detached signature) with an OpenPGP secret key')
    .argument('<file>', 'the file to sign')
    .requiredOption('--key <file>', 'the secret key (armored or binary)')
    .option('--passphrase-env <var>', 'environment variable holding the key passphrase')
    .option('--detached', 'write an armored detached signature (like Release.gpg) instead')
    .requiredOption('--out <file>', 'where to write the result')
    .option('--json', 'print JSON')
    .action(
      async (
        file: string,
        opts: { key: string; passphraseEnv?: string; detached?: boolean; out: string; json?: boolean },
      ) => {
        const passphrase = opts.passphraseEnv === undefined ? undefined : process.env[opts.passphraseEnv];
        const key = await readSigningKey(readInput(opts.key), passphrase);
        const data = readInput(file);
        const out = opts.detached
          ? await signDetached(data, key)
          : await clearsign(data.toString('utf8'), key);
        writeFileSync(opts.out, out);
        print(
          opts.json === true,
          { file, out: opts.out, detached: opts.detached === true, key: key.getFingerprint().toUpperCase() },
          `wrote ${opts.out}\n`,
        );
      },
    );
}
