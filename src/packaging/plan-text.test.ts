/**
 * The synopsis and extended description clean-up on the cases real READMEs gave (aria2's "See README.rst", btop's
 * news line ending in a URL, bc's "version 1.07:"), checked against lintian's rules by plan.test.ts's builds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanDescription, cleanSynopsis } from './plan-text.ts';

test('a pointer or a URL is no synopsis', () => {
  assert.equal(cleanSynopsis('See README.rst', 'aria2'), undefined);
  assert.equal(
    cleanSynopsis('Please see the debhelper(7) man page for documentation.', 'debhelper'),
    undefined,
  );
  assert.equal(
    cleanSynopsis('First release of btop4win available at https://github.com/aristocratos/btop4win', 'btop'),
    undefined,
  );
  assert.equal(
    cleanSynopsis('aria2 - The ultra fast download utility', 'aria2'),
    'ultra fast download utility',
  );
  assert.equal(
    cleanSynopsis('GNU bc version 1.07: a calculator. More.', 'bc'),
    'GNU bc version 1.07: a calculator',
  );
});

test('the description drops the synopsis sentence, not the text up to the first dot', () => {
  // Before: "rst" and "com/aristocratos/btop4win" were left as the descriptions.
  assert.equal(
    cleanDescription('See README.rst', 'See README.rst', 'aria2'),
    'This package installs aria2 as its developer built it; pkgme put it into this Debian package.',
  );
  assert.equal(
    cleanDescription(
      'First release of btop4win available at https://github.com/aristocratos/btop4win\n\nRelease v1.2.0.',
      'First release of btop4win available at https://github.com/aristocratos/btop4win',
      'btop',
    ),
    'Release v1.2.0.',
  );
  assert.equal(
    cleanDescription(
      'GNU bc version 1.07: a calculator. It reads stdin.',
      'GNU bc version 1.07: a calculator',
      'bc',
    ),
    'It reads stdin.',
  );
});
