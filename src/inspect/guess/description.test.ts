/**
 * Description and tagline guesses on real files: AppStream metainfo of Debian packages (and the machine's own)
 * against `appstreamcli convert` (its Summary and Description, C locale), the machine's READMEs
 * (/usr/share/doc/*\/README*) for clean plain text, and hostile inputs for bounded time and no entity expansion.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { inventoryTree } from '../inventory.ts';
import { cachedFixture, requireTools, unavailable } from '../../testing/env.ts';
import { debianApps } from './debian-apps.fixture.ts';
import {
  guessDescription,
  isPointer,
  parseManName,
  parseMetainfo,
  parseReadme,
  plainInline,
  splitSentence,
} from './description.ts';
import { guess } from './field.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pkgme-description-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * appstreamcli's view of metainfo files: Summary and Description (C) of each, from `appstreamcli convert` to DEP-11
 * YAML, all read by one python process. Undefined for a file appstreamcli refuses.
 */
function appstream(files: string[]): Array<{ summary?: string; description?: string } | undefined> {
  const ymls = files.map((file, i) => {
    const yml = join(tmp, `out${i}.yml`);
    const r = spawnSync('appstreamcli', ['convert', '--format=yaml', file, yml], { encoding: 'utf8' });
    return r.status === 0 ? yml : '';
  });
  const py = spawnSync(
    'python3',
    [
      '-c',
      'import sys,yaml,json\n' +
        'out=[]\n' +
        'for f in sys.argv[1:]:\n' +
        '  if not f: out.append(None); continue\n' +
        '  d=[x for x in yaml.safe_load_all(open(f)) if x and "ID" in x]; c=d[0] if d else {}\n' +
        '  out.append({"summary": (c.get("Summary") or {}).get("C"), "description": (c.get("Description") or {}).get("C")})\n' +
        'print(json.dumps(out))',
      ...ymls,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (py.status !== 0) throw new Error(py.stderr);
  const all = JSON.parse(py.stdout) as Array<{ summary: string | null; description: string | null } | null>;
  return all.map((j) =>
    j === null
      ? undefined
      : {
          ...(j.summary ? { summary: j.summary } : {}),
          ...(j.description ? { description: j.description } : {}),
        },
  );
}

test('metainfo summary and description equal appstreamcli convert on real Debian metainfo files', (t) => {
  if (!requireTools(t, ['appstreamcli', 'python3', 'apt-get', 'dpkg-deb'], 'appstream python3-yaml apt dpkg'))
    return;
  if (spawnSync('python3', ['-c', 'import yaml']).status !== 0) {
    unavailable(t, 'python3 yaml module missing (apt-get install python3-yaml)');
    return;
  }
  const files = [
    ...debianApps().flatMap((a) => a.metainfo),
    ...readdirSync('/usr/share/metainfo')
      .filter((f) => f.endsWith('.xml'))
      .map((f) => join('/usr/share/metainfo', f)),
  ];
  let summaries = 0;
  let descriptions = 0;
  let compared = 0;
  const answers = appstream(files);
  for (const [i, f] of files.entries()) {
    const theirs = answers[i];
    if (theirs === undefined) continue;
    compared++;
    const ours = parseMetainfo(readFileSync(f, 'utf8'));
    assert.equal(
      ours.summary,
      theirs.summary === undefined ? undefined : squash(theirs.summary),
      `${f} summary`,
    );
    if (ours.summary !== undefined) summaries++;
    // Their Description is HTML: tags become spaces, entities are decoded (&amp; last).
    const their = squash((theirs.description ?? '').replace(/<[^>]*>/g, ' '))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
    const mine = squash(ours.description.map((d) => d.replace(/^- /gm, '')).join(' '));
    assert.equal(mine, their, `${f} description`);
    if (mine !== '') descriptions++;
  }
  console.log(
    `metainfo: ${compared} files compared with appstreamcli convert: ${summaries} summaries and ${descriptions} ` +
      'descriptions equal (all of them)',
  );
  assert.ok(compared >= 20, `only ${compared} metainfo files`);
});

function readmes(): string[] {
  const out: string[] = [];
  for (const pkg of readdirSync('/usr/share/doc')) {
    let names: string[];
    try {
      names = readdirSync(join('/usr/share/doc', pkg));
    } catch {
      continue;
    }
    for (const n of names)
      if (/^readme(\.(md|markdown|txt|rst))?(\.gz)?$/i.test(n)) out.push(join('/usr/share/doc', pkg, n));
  }
  return out.sort();
}

test("the machine's READMEs give clean plain text: no markup, one-line taglines", () => {
  const files = readmes();
  let tagged = 0;
  let described = 0;
  for (const f of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(f);
      if (f.endsWith('.gz')) bytes = gunzipSync(bytes);
    } catch {
      continue;
    }
    const r = parseReadme(bytes.toString('utf8').slice(0, 256 * 1024));
    if (r.tagline !== undefined) {
      tagged++;
      assert.ok(!/\n/.test(r.tagline), `${f}: tagline has a newline`);
      assert.ok(
        !/!\[|\]\(|<\/?[a-z]+[ >]|^#|\*\*|```/.test(r.tagline),
        `${f}: markup in tagline "${r.tagline}"`,
      );
    }
    if (r.description.length > 0) described++;
    for (const p of r.description)
      assert.ok(
        !/!\[[^\]]*\]\(|\]\(https?:|<\/?(p|img|a|div|br)\b|```/.test(p),
        `${f}: markup in "${p.slice(0, 120)}"`,
      );
  }
  console.log(
    `READMEs: ${files.length} on the machine, ${tagged} with a tagline, ${described} with a description`,
  );
  assert.ok(files.length === 0 || described / files.length > 0.8);
});

test('Markdown README: badges, HTML, links and code blocks removed; the title alone is not a tagline', () => {
  const md = [
    '<p align="center"><img src="logo.png"></p>',
    '',
    '# zapp',
    '',
    '[![Build](https://ci.example.org/badge.svg)](https://ci.example.org) ![npm](https://img.shields.io/npm/v/zapp.svg)',
    '',
    'A **fast** tool to print the [zlib](https://zlib.net) version. It is `tiny`.',
    '',
    '```sh',
    'zapp --version',
    '```',
    '',
    'Works on Linux.',
    '',
    '## Installation',
    '',
    'Run make.',
  ].join('\n');
  const r = parseReadme(md, 'zapp');
  assert.equal(r.tagline, 'A fast tool to print the zlib version');
  assert.deepEqual(r.description, ['A fast tool to print the zlib version. It is tiny.', 'Works on Linux.']);
  const rst = parseReadme(
    'htop - an interactive process viewer\n====================================\n\nhtop shows processes.\n',
  );
  assert.equal(rst.tagline, 'htop - an interactive process viewer');
  assert.equal(plainInline('see :code:`x` and `docs <https://x>`_'), 'see x and docs');
});

test('hostile metainfo and README: bounded time, no entity expansion', () => {
  const lol = `<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<component><summary>&b;&b; and &amp; &#x41;</summary><description><p>x &b;</p></description></component>`;
  const m = parseMetainfo(lol);
  assert.equal(m.summary, '&b;&b; and & A');
  const started = Date.now();
  parseMetainfo('<summary'.repeat(30_000));
  parseMetainfo('<summary>'.repeat(30_000));
  parseMetainfo('<!--'.repeat(60_000));
  parseMetainfo(`<description>${'<p>'.repeat(60_000)}</description>`);
  parseReadme(`${'**a _b ['.repeat(30_000)}`);
  parseReadme(`# t\n\n${'x '.repeat(100_000)}`);
  parseManName(`.SH NAME\n${'\\f[x \\*( \\- '.repeat(30_000)}\n`);
  parseManName(`.SH NAME\n${'a\n'.repeat(100_000)}`);
  const ms = Date.now() - started;
  console.log(`hostile inputs: ${ms} ms`);
  assert.ok(ms < 2000, `${ms} ms`);
});

test('guessDescription: metadata, then metainfo, then README, each with its source', () => {
  const dir = join(tmp, 'app');
  mkdirSync(join(dir, 'share', 'metainfo'), { recursive: true });
  writeFileSync(join(dir, 'README.md'), '# app\n\nApp does things well.\n\nMore about it.\n');
  const readmeOnly = guessDescription(dir, inventoryTree(dir).entries, {}, 'app');
  assert.deepEqual(readmeOnly.summary, {
    value: 'App does things well',
    source: 'file:README.md',
    confidence: 0.4,
  });
  assert.equal(readmeOnly.description?.value, 'App does things well.\n\nMore about it.');
  writeFileSync(
    join(dir, 'share', 'metainfo', 'org.example.app.metainfo.xml'),
    '<component><summary>Does things</summary><summary xml:lang="de">Tut Dinge</summary>' +
      '<description><p>Long text.</p><ul><li>one</li><li>two</li></ul></description></component>',
  );
  const mi = guessDescription(dir, inventoryTree(dir).entries, {}, 'app');
  assert.deepEqual(mi.summary, {
    value: 'Does things',
    source: 'file:share/metainfo/org.example.app.metainfo.xml',
    confidence: 0.9,
  });
  assert.equal(mi.description?.value, 'Long text.\n\n- one\n- two');
  const md = guessDescription(dir, inventoryTree(dir).entries, {
    summary: guess('From metadata', 'metadata:pkgme.json', 1),
  });
  assert.equal(md.summary?.source, 'metadata:pkgme.json');
  assert.equal(md.description?.source, 'file:share/metainfo/org.example.app.metainfo.xml');
});

/**
 * What a summary or a description's start must never be, judged without the module's own isPointer: a pointer
 * elsewhere ("See README.rst", "Please see the man page"), a URL (in a tagline), or fewer than two words once URLs, paths and file
 * names are gone ("rst", "com/aristocratos/btop4win", "Homepage: https://…"). The old sentence splitter gave 9 such
 * taglines and 22 such description starts on this machine's 171 READMEs.
 */
function fragment(s: string, urlAllowed = false): boolean {
  if (/^(please\s+)?(see|read|refer|visit)\b|^for (more|further)\b/i.test(s)) return true;
  if (!urlAllowed && /:\/\//.test(s)) return true;
  const words = s
    .replace(/\S*(:\/\/|\/)\S*|\S+\.[A-Za-z0-9]{1,5}\b/g, '')
    .split(/\s+/)
    .filter((w) => /[A-Za-z]{2}/.test(w));
  return words.length < 2;
}

function readmeText(f: string): string {
  let bytes = readFileSync(f);
  if (f.endsWith('.gz')) bytes = gunzipSync(bytes);
  return bytes.toString('utf8').slice(0, 256 * 1024);
}

test('no README of the machine gives a tagline or a description start that is a pointer, a file name or a URL', () => {
  const files = readmes();
  let tagged = 0;
  let described = 0;
  const bad: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readmeText(f);
    } catch {
      continue;
    }
    const r = parseReadme(text, f.split('/')[4]);
    if (r.tagline !== undefined) {
      tagged++;
      if (fragment(r.tagline)) bad.push(`${f}: tagline "${r.tagline}"`);
    }
    if (r.description.length > 0) {
      described++;
      if (fragment(splitSentence(r.description[0]!)[0], true))
        bad.push(`${f}: description "${r.description[0]}"`);
    }
  }
  console.log(
    `READMEs: ${files.length}, ${tagged} taglines, ${described} descriptions, ${bad.length} fragments`,
  );
  assert.deepEqual(bad, []);
  assert.ok(files.length === 0 || tagged / files.length > 0.9, `${tagged} of ${files.length} tagged`);
});

/** aria2's and btop's READMEs, as the Debian packages ship them (the two that went wrong in real pipeline runs). */
function realReadmes(): { aria2: string; aria2rst: string; btop: string; aria2man: string } {
  const dir = cachedFixture(
    'readmes-aria2-btop',
    (out) => {
      const work = mkdtempSync(join(tmpdir(), 'pkgme-readmes-'));
      try {
        execFileSync('apt-get', ['download', 'aria2', 'btop'], { cwd: work, stdio: 'ignore' });
        for (const deb of readdirSync(work).filter((f) => f.endsWith('.deb')))
          execFileSync('dpkg-deb', ['-x', join(work, deb), join(work, 'x')]);
        const doc = join(work, 'x', 'usr', 'share', 'doc');
        writeFileSync(join(out, 'aria2-README'), readFileSync(join(doc, 'aria2', 'README')));
        writeFileSync(
          join(out, 'aria2-README.rst'),
          gunzipSync(readFileSync(join(doc, 'aria2', 'README.rst.gz'))),
        );
        writeFileSync(
          join(out, 'btop-README.md'),
          gunzipSync(readFileSync(join(doc, 'btop', 'README.md.gz'))),
        );
        writeFileSync(
          join(out, 'aria2c.1.gz'),
          readFileSync(join(work, 'x', 'usr', 'share', 'man', 'man1', 'aria2c.1.gz')),
        );
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    { version: '2' },
  );
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    aria2: read('aria2-README'),
    aria2rst: read('aria2-README.rst'),
    btop: read('btop-README.md'),
    aria2man: join(dir, 'aria2c.1.gz'),
  };
}

test('aria2 and btop: the pointer README is skipped, the Description/Introduction section is used', (t) => {
  if (!requireTools(t, ['apt-get', 'dpkg-deb'], 'apt dpkg')) return;
  const { aria2, aria2rst, btop, aria2man } = realReadmes();
  // "See README.rst" used to be aria2's summary, with "rst" as its description.
  assert.deepEqual(parseReadme(aria2, 'aria2'), { description: [] });
  const dir = join(tmp, 'aria2');
  mkdirSync(dir);
  writeFileSync(join(dir, 'README'), aria2);
  writeFileSync(join(dir, 'README.rst'), aria2rst);
  const g = guessDescription(dir, inventoryTree(dir).entries, {}, 'aria2');
  assert.equal(g.summary?.value, 'aria2 - The ultra fast download utility');
  assert.equal(g.summary?.source, 'file:README.rst');
  assert.match(g.description!.value, /^aria2 is a utility for downloading files\. The supported protocols/);
  // The tarball a developer ships (bench/autopkg's aria2): the pointer README and the man page, whose NAME line
  // is the tagline.
  const shipped = join(tmp, 'aria2-shipped');
  mkdirSync(join(shipped, 'share', 'man', 'man1'), { recursive: true });
  writeFileSync(join(shipped, 'README'), aria2);
  writeFileSync(join(shipped, 'share', 'man', 'man1', 'aria2c.1.gz'), readFileSync(aria2man));
  const gs = guessDescription(shipped, inventoryTree(shipped).entries, {}, 'aria2');
  assert.deepEqual(gs.summary, {
    value: 'The ultra fast download utility',
    source: 'file:share/man/man1/aria2c.1.gz',
    confidence: 0.4,
  });
  assert.equal(gs.description, undefined);
  // btop's first prose was a news item ending in a URL; its "## Description" section is 40 blocks down.
  const b = parseReadme(btop, 'btop');
  assert.equal(
    b.tagline,
    'Resource monitor that shows usage and stats for processor, memory, disks, network and processes',
  );
  assert.deepEqual(b.description, [
    'Resource monitor that shows usage and stats for processor, memory, disks, network and processes.',
    'C++ version and continuation of bashtop and bpytop.',
  ]);
});

test('sentences end at a period and a capital, not in file names, URLs, versions or abbreviations', () => {
  const cases: Array<[string, string, string]> = [
    ['See README.rst for more.', 'See README.rst for more', ''],
    ['Get it at https://github.com/a/b. It is free.', 'Get it at https://github.com/a/b', 'It is free.'],
    ['GNU bc version 1.07: a calculator.', 'GNU bc version 1.07: a calculator', ''],
    ['Tools, e.g. a GUI. More here.', 'Tools, e.g. a GUI', 'More here.'],
    ['Written by Dr. Who and J. Smith. Free.', 'Written by Dr. Who and J. Smith', 'Free.'],
    ['Fast! Really.', 'Fast!', 'Really.'],
    ['1.1. Overall documentation', '1.1. Overall documentation', ''],
    ['This is GNU Bash, version 5.2. Bash is a shell.', 'This is GNU Bash, version 5.2', 'Bash is a shell.'],
  ];
  for (const [text, sentence, rest] of cases) assert.deepEqual(splitSentence(text), [sentence, rest], text);
  for (const p of [
    'See README.rst',
    'See README.md or README.html',
    'For more information, see the manual.',
    'Please read the FAQ first.',
    'Homepage: https://www.freetype.org',
    'https://gitlab.com/man-db/man-db',
    'Copyright (C) 2022 Free Software Foundation, Inc.',
  ])
    assert.ok(isPointer(p), p);
  for (const p of ['A fast download utility', 'Resource monitor for Linux', 'Seemingly simple tools'])
    assert.ok(!isPointer(p), p);
});

test("man page NAME lines equal man-db's lexgrog on the machine's pages", (t) => {
  if (!requireTools(t, ['lexgrog'], 'man-db')) return;
  const pages: string[] = [];
  for (const d of ['/usr/share/man/man1', '/usr/share/man/man8'])
    try {
      for (const f of readdirSync(d).sort()) pages.push(join(d, f));
    } catch {
      continue;
    }
  // Every 8th page, so the set is a few hundred across many packages (gcloud's thousands of generated pages,
  // which lexgrog cannot parse, left out).
  const sample = pages.filter((f) => !/\/gcloud_/.test(f)).filter((_, i) => i % 8 === 0);
  const r = spawnSync('lexgrog', sample, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const theirs = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(.*?): "(.*)"$/.exec(line);
    if (!m || theirs.has(m[1]!)) continue;
    const dash = m[2]!.indexOf(' - ');
    if (dash >= 0) theirs.set(m[1]!, squash(m[2]!.slice(dash + 3)));
  }
  let compared = 0;
  const differ: string[] = [];
  for (const f of sample) {
    const want = theirs.get(f);
    // lexgrog leaves groff's \f[CB] font escape in as "f[CB]": not an answer to compare with.
    if (want === undefined || /\bf\[[A-Z]+\]/.test(want)) continue;
    let bytes = readFileSync(f);
    if (f.endsWith('.gz')) bytes = gunzipSync(bytes);
    compared++;
    const got = parseManName(bytes.toString('utf8'));
    if (got !== want) differ.push(`${f}: ours "${got}", lexgrog "${want}"`);
  }
  console.log(
    `man pages: ${sample.length} sampled, ${compared} compared with lexgrog, ${differ.length} differ`,
  );
  assert.deepEqual(differ, []);
  assert.ok(sample.length === 0 || compared > sample.length / 2, `${compared} of ${sample.length}`);
  assert.equal(parseManName('.TH X 1\n.Sh NAME\n.Nm x\n.Nd does \\fBthings\\fR\n'), 'does things');
});
