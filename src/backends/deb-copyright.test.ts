/**
 * License and holder from the copyright files of 37 real Debian .debs (the deb backend's and the Depends test's
 * downloads). Oracles, read from the raw text with plain regexes (not the deb822 parser the module uses): for a
 * machine-readable file, the License short name of its `Files: *` paragraph; for a free-form one, the first
 * /usr/share/common-licenses/<name> it points at. The license family and version must agree; the share of files
 * that give a license is printed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { realDebs } from '../formats/deb/fixtures.ts';
import { requireTools } from '../testing/env.ts';
import { appDebs } from './deb-apps.fixture.ts';
import { debBackend } from './deb.ts';
import { openDebUpload } from './deb-unpack.ts';

/** "GPL-3+" / "LGPL-2.1" / "Expat" → comparable "gpl-3.0" / "lgpl-2.1" / "mit" (family and version only). */
function family(name: string): string {
  const n = name.toLowerCase().replace(/^expat$/, 'mit');
  const m = /^(a?l?gpl)-(\d)(?:\.(\d))?/.exec(n);
  return m ? `${m[1]}-${m[2]}.${m[3] ?? '0'}` : n.replace(/-(only|or-later)$/, '');
}

function oracle(text: string): string | undefined {
  if (/^Format:\s*\S*copyright-format/m.test(text)) {
    const para = text.split(/\n[ \t]*\n/).find((p) => /^Files:[ \t]*\*[ \t]*$/m.test(p));
    const m = para && /^License:[ \t]*(\S+)[ \t]*$/m.exec(para);
    return m ? m[1] : undefined;
  }
  return /\/usr\/share\/common-licenses\/([A-Za-z]+-[0-9.]*[0-9])/.exec(text)?.[1];
}

test('license and holder from the .deb’s own copyright file agree with its License field / license reference', async (t) => {
  if (!requireTools(t, ['dpkg-deb', 'apt-get'], 'dpkg apt')) return;
  const apps = appDebs();
  const debs = [...realDebs(), ...apps];
  let found = 0;
  let compared = 0;
  let holders = 0;
  for (const deb of debs) {
    const { upload, cleanup } = await openDebUpload(deb);
    try {
      const info = await debBackend.info(upload);
      const pkg = String(info.fields.name?.value);
      const text = readFileSync(join(upload.root!, `usr/share/doc/${pkg}/copyright`), 'utf8');
      const lic = info.fields.license;
      if (info.fields.copyright) holders++;
      if (lic === undefined) continue;
      found++;
      assert.equal(lic.source, `file:usr/share/doc/${pkg}/copyright`);
      assert.ok(lic.confidence < 1 && lic.confidence > 0.5, `${basename(deb)} ${lic.confidence}`);
      const expected = oracle(text);
      if (
        expected === undefined ||
        !/^(a?l?gpl-|mit$|expat$|isc$|zlib$|bsd-[234]-clause$|apache-)/i.test(expected)
      )
        continue;
      assert.equal(family(String(lic.value)), family(expected), basename(deb));
      compared++;
    } finally {
      cleanup();
    }
  }
  console.log(
    `deb copyright: ${debs.length} real .debs, a license for ${found}, ${compared} checked against the file's License field or license reference, a holder for ${holders}`,
  );
  assert.ok(compared >= 15, `only ${compared} compared`);
});
