/**
 * Source-package data from the archive, fetched with a private apt configuration (testdata/apt-src.ts): bookworm
 * main's Sources index and real maintainer-signed .dsc files.
 *
 * - Sources: paragraph count vs grep, byte-identical round trip, values vs Dpkg::Control on a sample, every
 *   Files/Checksums table parses, and the Sources entry for each downloaded .dsc has its sha256sum and size.
 * - .dsc: clearsigned wrapper and deb822 round trips, values vs Dpkg::Control, Files/Checksums vs md5sum/sha256sum of
 *   the files apt fetched, and the maintainer's signature verified by us with the same signer as gpgv reports
 *   (keys taken from debian-keyring).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { requireTools, unavailable } from '../../testing/env.ts';
import { readClearsigned, readKeyring, verifyClearsigned } from '../openpgp/index.ts';
import { parseDeb822, parseFileList } from './index.ts';
import { aptSourceData } from './testdata/apt-src.ts';
import { checkRoundTrip, compareWithDpkg } from './testdata/check.ts';

const DEBIAN_KEYRING = '/usr/share/keyrings/debian-keyring.gpg';

function decompress(path: string): string {
  return execFileSync('lz4', ['-dcf', path], { maxBuffer: 1 << 30 }).toString('utf8');
}

function sum(tool: string, path: string): string {
  return execFileSync(tool, [path], { encoding: 'utf8' }).split(' ')[0]!;
}

test('bookworm Sources index: counts, round trip, Dpkg values (sample), tables, .dsc checksums', (t) => {
  if (!requireTools(t, ['apt-get', 'lz4', 'perl', 'sha256sum'], 'apt lz4 libdpkg-perl coreutils')) return;
  const data = aptSourceData();
  let entries = 0;
  let dscChecked = 0;
  for (const path of data.sources) {
    const text = decompress(path);
    const r = checkRoundTrip(path, text, true);
    // Dpkg's perl parser needs ~20 s for the whole index: compare the first 3,000 paragraphs.
    const cut = text.split('\n\n', 3000).join('\n\n').length + 2;
    const d = compareWithDpkg(path, text.slice(0, cut));
    const byDsc = new Map<string, { hash: string; size: number }>();
    for (const p of parseDeb822(text)) {
      for (const field of ['Files', 'Checksums-Sha256']) {
        const list = parseFileList(p.get(field) ?? '', field);
        entries += list.length;
        if (field === 'Checksums-Sha256')
          for (const e of list) if (e.name.endsWith('.dsc')) byDsc.set(e.name, e);
      }
    }
    for (const dsc of data.dscs) {
      const e = byDsc.get(basename(dsc));
      assert.ok(e !== undefined, `${basename(dsc)} is not listed in ${path}`);
      assert.equal(e.hash, sum('sha256sum', dsc), `${basename(dsc)}: sha256 vs Sources`);
      assert.equal(e.size, statSync(dsc).size);
      dscChecked++;
    }
    console.log(
      `Sources: ${r.paragraphs} paragraphs, ${r.fields} fields round-tripped; ${d.values} values of ${d.paragraphs} ` +
        `paragraphs equal Dpkg; ${entries} table entries; ${dscChecked} downloaded .dsc match their entries`,
    );
  }
});

test('real maintainer-signed .dsc files: round trips, values, checksums, signatures like gpgv', async (t) => {
  if (!requireTools(t, ['apt-get', 'gpg', 'gpgv', 'perl', 'md5sum'], 'apt gnupg gpgv libdpkg-perl')) return;
  if (!existsSync(DEBIAN_KEYRING)) {
    unavailable(t, `missing ${DEBIAN_KEYRING} (apt-get install debian-keyring)`);
    return;
  }
  const data = aptSourceData();
  assert.ok(data.dscs.length > 0, 'apt-get source fetched no .dsc');
  const home = mkdtempSync(join(tmpdir(), 'pkgme-dsc-gpg-'));
  let files = 0;
  let signers = 0;
  try {
    for (const dsc of data.dscs) {
      const signed = readFileSync(dsc, 'utf8');
      const c = readClearsigned(signed);
      checkRoundTrip(dsc, c.text, false);
      compareWithDpkg(dsc, c.text);
      const p = parseDeb822(c.text)[0]!;
      for (const [field, tool] of [
        ['Files', 'md5sum'],
        ['Checksums-Sha256', 'sha256sum'],
      ] as const) {
        for (const e of parseFileList(p.get(field)!, field)) {
          const file = join(data.dir, e.name);
          if (!existsSync(file)) continue; // the mirror did not serve it
          assert.equal(e.hash, sum(tool, file), `${dsc}: ${field} ${e.name}`);
          assert.equal(e.size, statSync(file).size);
          files++;
        }
      }
      // gpgv with the whole Debian keyring names the signer; we verify with that key alone, exported by gpg.
      const status = spawnSync('gpgv', ['--status-fd', '1', '--keyring', DEBIAN_KEYRING, dsc], {
        encoding: 'utf8',
      });
      assert.equal(status.status, 0, `gpgv rejects ${dsc}`);
      const primary = status.stdout
        .split('\n')
        .find((l) => l.startsWith('[GNUPG:] VALIDSIG '))!
        .trim()
        .split(' ')
        .pop()!;
      const key = execFileSync(
        'gpg',
        ['--homedir', home, '--no-default-keyring', '--keyring', DEBIAN_KEYRING, '--export', primary],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      const res = await verifyClearsigned(signed, await readKeyring(key));
      assert.deepEqual(
        res.signers.map((s) => s.fingerprint),
        [primary],
        `${dsc}: signer vs gpgv`,
      );
      assert.ok(res.text === c.text);
      signers++;
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  console.log(
    `.dsc: ${data.dscs.length} real signed files round-tripped and equal to Dpkg, ${files} file entries equal to ` +
      `md5sum/sha256sum, ${signers} maintainer signatures verified with the signer gpgv names`,
  );
});
