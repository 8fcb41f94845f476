/**
 * SPDX texts for licenses named without their text: looked up case-insensitively, never by a path-like id, and
 * the text is the license's (its title line), long enough for lintian's incomplete-creative-commons-license.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spdxLicenseText, spdxListVersion } from './spdx-texts.ts';

test('spdx-texts: canonical texts by id, any case; unknown or path-like ids get none', () => {
  const cc = spdxLicenseText('CC-BY-SA-4.0');
  assert.ok(cc !== undefined);
  assert.match(cc, /^Creative Commons Attribution-ShareAlike 4\.0 International/);
  assert.ok(cc.split('\n').length > 20);
  assert.equal(spdxLicenseText('cc-by-sa-4.0'), cc);
  assert.match(spdxLicenseText('AGPL-3.0-or-later') ?? '', /GNU AFFERO GENERAL PUBLIC LICENSE/);
  for (const bad of ['', '../package', 'x/y', 'LicenseRef-proprietary', 'no-such-license-1.0', 'toString'])
    assert.equal(spdxLicenseText(bad), undefined, bad);
  assert.match(spdxListVersion(), /^\d+\.\d+\.\d+$/);
});
