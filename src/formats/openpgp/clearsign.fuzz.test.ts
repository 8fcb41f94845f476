/**
 * Fuzz the clearsigned reader and the verifier with apt's real InRelease files and a small message we clearsign
 * (dash-escaped lines, ed25519). Contract: return or throw a PkgmeError. An accepted message must re-assemble byte
 * for byte, and a mutated message that still verifies must hand back a text equal to what was signed (so mutation
 * can never smuggle unsigned text past the verifier).
 */
import { test } from 'node:test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { fuzz } from '../../testing/fuzz.ts';
import { builtFixture } from '../../testing/env.ts';
import { APT_SRC_CACHE } from '../deb822/testdata/apt-src.ts';
import { inReleaseFiles } from '../deb822/testdata/corpus.ts';
import { clearsign, formatClearsigned, readClearsigned, readKeyring, verifyClearsigned } from './index.ts';

const SMALL = 'Source: x\n-dash\nFiles:\n 0123 4 x.tar.xz\n';

async function material(): Promise<{ seeds: Uint8Array[]; keys: openpgp.PublicKey[]; texts: Set<string> }> {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'fuzz' }],
    format: 'object',
  });
  const small = await clearsign(SMALL, privateKey);
  const keys = [
    ...(await readKeyring(readFileSync('/usr/share/keyrings/debian-archive-keyring.gpg'))),
    privateKey.toPublic(),
  ];
  const enc = new TextEncoder();
  const real = inReleaseFiles();
  const texts = new Set([SMALL, ...real.map((f) => readClearsigned(f.text).text)]);
  // The smallest InRelease keeps the per-input cost low; the large ones come in through splicing.
  // Real maintainer-signed .dsc files, when an oracle test has fetched them into the cache (no network here).
  // builtFixture waits for a fetch in progress, so no half-downloaded .dsc is read.
  const apt = builtFixture(APT_SRC_CACHE);
  const dscDir = apt === undefined ? undefined : join(apt, 'src');
  const dscs =
    dscDir !== undefined
      ? readdirSync(dscDir)
          .filter((f) => f.endsWith('.dsc'))
          .map((f) => readFileSync(join(dscDir, f), 'utf8'))
      : [];
  for (const d of dscs) texts.add(readClearsigned(d).text);
  const seeds = [
    enc.encode(small),
    ...real.map((f) => enc.encode(f.text)),
    ...dscs.map((d) => enc.encode(d)),
  ];
  return { seeds, keys, texts };
}

test('fuzz clearsigned reader', async () => {
  const { seeds } = await material();
  await fuzz({
    name: 'clearsign-read',
    seeds,
    run: (input) => {
      const text = Buffer.from(input).toString('latin1');
      const c = readClearsigned(text);
      if (formatClearsigned(c) !== text) throw new Error('clearsigned round trip differs');
    },
  });
});

test('fuzz clearsigned verification', async () => {
  const { seeds, keys, texts } = await material();
  await fuzz({
    name: 'clearsign-verify',
    seeds,
    run: async (input) => {
      const res = await verifyClearsigned(new TextDecoder().decode(input), keys);
      const canon = (s: string) => s.replace(/[ \t\r]+$/gm, '');
      if (![...texts].some((t) => canon(t) === canon(res.text))) {
        throw new Error('a mutated message verified with a text that was never signed');
      }
    },
  });
});
