/**
 * Section guesses against Debian's own choices: for real desktop applications (apt-get download), the Section the
 * maintainers gave vs the section guessed from the package's desktop entry Categories. Desktop-environment
 * sections (gnome, kde, xfce, x11) are counted apart: they say whose desktop the program belongs to, which no
 * category can tell, and pkgme never guesses them for an uploaded application.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { requireTools } from '../../testing/env.ts';
import { getKey, listValue, mainGroup, parseDesktop } from './desktop.ts';
import { debianApps } from './debian-apps.fixture.ts';
import { guess } from './field.ts';
import { DEBIAN_SECTIONS, guessSection, isDebianSection, sectionForCategories } from './section.ts';

test("the section list is lintian's archive-sections", (t) => {
  const file = '/usr/share/lintian/data/fields/archive-sections';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    if (!requireTools(t, ['lintian'], 'lintian')) return;
    throw new Error(`lintian is installed but ${file} is missing`);
  }
  const lintian = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .sort();
  assert.deepEqual([...DEBIAN_SECTIONS].sort(), lintian);
  assert.ok(isDebianSection('contrib/games'));
  assert.ok(isDebianSection('non-free/net'));
  assert.ok(!isDebianSection('Games'));
  assert.ok(!isDebianSection('bogus/games'));
});

const DE_SECTIONS = new Set(['gnome', 'kde', 'xfce', 'x11']);

test("sections guessed from desktop Categories vs Debian's Section of real packages", (t) => {
  if (!requireTools(t, ['apt-get', 'dpkg-deb'], 'apt dpkg')) return;
  const apps = debianApps();
  assert.ok(apps.length >= 50, `only ${apps.length} packages downloaded`);
  let same = 0;
  let compared = 0;
  let deOnly = 0;
  const misses: string[] = [];
  for (const app of apps) {
    const cats = new Set<string>();
    for (const d of app.desktop) {
      const g = mainGroup(parseDesktop(readFileSync(d), d));
      const c = g === undefined ? undefined : getKey(g, 'Categories');
      if (c !== undefined) for (const x of listValue(c)) cats.add(x);
    }
    if (cats.size === 0) continue;
    const real = app.section.replace(/^.*\//, '');
    const ours = sectionForCategories([...cats]) ?? 'misc';
    assert.ok(isDebianSection(ours));
    if (DE_SECTIONS.has(real)) {
      deOnly++;
      continue;
    }
    compared++;
    if (ours === real) same++;
    else misses.push(`${app.package}: ${real} vs ${ours} (${[...cats].join(';')})`);
  }
  const rate = same / compared;
  console.log(
    `section agreement: ${same}/${compared} (${(rate * 100).toFixed(1)} %) of packages outside desktop-environment ` +
      `sections; ${deOnly} in gnome/kde/xfce/x11 not compared\n  misses: ${misses.join('\n          ')}`,
  );
  assert.ok(compared >= 30, `only ${compared} packages compared`);
  assert.ok(rate >= 0.8, `agreement ${(rate * 100).toFixed(1)} % below 80 %`);
});

test('guessSection: metadata aliases, specific before main, default misc', () => {
  const md = (v: string[]) => guess(v, 'metadata:devportal-metadata.json', 1);
  assert.equal(guessSection(md(['Games'])).value, 'games');
  assert.equal(guessSection(md(['Utility', 'TextEditor'])).value, 'editors');
  assert.equal(guessSection(md(['Network', 'Email'])).value, 'mail');
  const d = guessSection(undefined);
  assert.deepEqual(d, { value: 'misc', source: 'default', confidence: 0.3 });
  assert.equal(guessSection(md(['X-Unknown'])).value, 'misc');
  assert.equal(guessSection(md(['Game'])).source, 'heuristic:xdg-categories');
});
