import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../testing/fuzz.ts';
import { requireTools } from '../../testing/env.ts';
import { aptParagraphs, dpkgStatusParagraphs } from './apt-index.fixture.ts';
import { dpkgCompare } from './dpkg-oracle.fixture.ts';
import { compareVersions, satisfies, type RelationOp } from './compare.ts';
import { PkgmeError } from '../../errors.ts';

/** Edge cases the real index may lack: tilde, epochs, letters vs digits, separators, zeros, huge numbers. */
const TRICKY: Array<[string, string]> = [
  ['1.0~rc1', '1.0'],
  ['1.0~~', '1.0~'],
  ['1.0~~a', '1.0~~'],
  ['1.0~', '1.0'],
  ['1.0+b1', '1.0'],
  ['1.0+', '1.0~'],
  ['1.0a', '1.0+'],
  ['1.0a', '1.01'],
  ['1.0-1', '1.0-1.0'],
  ['1.0-1', '1.0-1~'],
  ['1.0', '1.0-0'],
  ['1.0', '1.0-1'],
  ['1.0-0', '1.0-00'],
  ['1:1.0', '2.0'],
  ['0:1.0', '1.0'],
  ['00:1.0', '0:1.0'],
  ['2147483647:1', '2147483646:9'],
  ['+1:1.0', '1:1.0'],
  ['1:2:3', '1:2:3-4'],
  ['1.0.0', '1.0'],
  ['1.0.a', '1.0a'],
  ['1.0-a', '1.0.a'],
  ['1.00', '1.0'],
  ['1.001', '1.1'],
  ['0001', '1'],
  ['9007199254740993', '9007199254740992'],
  ['18446744073709551616', '18446744073709551615'],
  ['1.99999999999999999999999', '1.99999999999999999999998'],
  ['1.000000000000000000000009', '1.9'],
  ['A', 'a'],
  ['1A', '1a'],
  ['1.0-1ubuntu1', '1.0-1+deb12u1'],
  ['1.2.3-4', '1.2.3-4+b1'],
  ['1.2.3-4~bpo12+1', '1.2.3-4'],
  ['2.36-9+deb12u4', '2.36-9+deb12u10'],
  ['1:7.2.2-1', '1:7.2.2-1+b1'],
  ['3.0+dfsg-1', '3.0-1'],
  ['3.0.dfsg-1', '3.0+dfsg-1'],
  ['1-1-1', '1-1'],
  ['1.0~-1', '1.0-1'],
  ['a', 'b'],
  ['1_0', '1.0'],
  ['1.0é', '1.0z'],
  ['1.0é', '1.0+'],
  ['1.0-é', '1.0-~'],
  // Errors and the fast path's boundaries (9-digit epochs, blanks, strtol quirks) must agree with dpkg too.
  ['999999999:1', '1000000000:1'],
  ['2147483647:1', '2147483648:1'],
  ['1:', '1'],
  ['1.0-', '1'],
  ['-1', '1'],
  ['a:1', '1'],
  ['1:2-', '1:2'],
  [' 1.0 ', '1.0'],
  ['\v1:2', '1:2'],
  ['+1:2', '-0:2'],
  ['1 0', '1'],
];

function collectVersions(): Map<string, Set<string>> {
  const byPackage = new Map<string, Set<string>>();
  for (const p of [...aptParagraphs(), ...dpkgStatusParagraphs()]) {
    const name = p.get('Package');
    const version = p.get('Version');
    if (name === undefined || version === undefined) continue;
    let set = byPackage.get(name);
    if (set === undefined) byPackage.set(name, (set = new Set()));
    set.add(version);
    // Source versions (binNMUs, transitions) differ from binary ones: pair them too.
    const src = /\((.+)\)/.exec(p.get('Source') ?? '')?.[1];
    if (src !== undefined) set.add(src);
  }
  return byPackage;
}

function buildPairs(): { pairs: Array<[string, string]>; counts: Record<string, number> } {
  const rnd = prng(20261124);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const byPackage = collectVersions();
  const all = [...new Set([...byPackage.values()].flatMap((s) => [...s]))].sort();
  const pairs: Array<[string, string]> = [];
  const counts: Record<string, number> = {};
  const add = (kind: string, a: string, b: string) => {
    pairs.push([a, b]);
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  for (const set of byPackage.values()) {
    const vs = [...set];
    for (let i = 0; i < vs.length; i++)
      for (let j = i + 1; j < vs.length && counts['same package'] !== 3000; j++)
        add('same package', vs[i]!, vs[j]!);
  }
  // Lexicographic neighbours share long prefixes: the cases where digit/non-digit runs decide.
  const step = Math.max(1, Math.floor(all.length / 3500));
  for (let i = 0; i + 1 < all.length; i += step) add('shared prefix', all[i]!, all[i + 1]!);
  for (let i = 0; i < 2500; i++) add('random', pick(all), pick(all));
  for (let i = 0; i < 600; i++) {
    const v = pick(all);
    const variants = [
      `${v}~`,
      `${v}~~`,
      `${v}+b1`,
      `${v}.0`,
      `${v}a`,
      v.replace(/\d+/, (d) => `0${d}`),
      v.replace(/\d+/, (d) => `${d}99999999999999999999`),
      v.includes(':') ? v.replace(/^\d+:/, '') : `1:${v}`,
    ];
    add('derived', v, variants[i % variants.length]!);
  }
  for (const [a, b] of TRICKY) {
    add('tricky', a, b);
    add('tricky', b, a);
    add('tricky', a, a);
  }
  return { pairs, counts };
}

test('compareVersions agrees with dpkg --compare-versions on real and tricky pairs', async (t) => {
  if (!requireTools(t, ['dpkg', 'lz4'], 'dpkg lz4')) return;
  const { pairs, counts } = buildPairs();
  const t0 = Date.now();
  const oracle = await dpkgCompare(pairs);
  const mismatches: string[] = [];
  pairs.forEach(([a, b], i) => {
    let ours: string;
    try {
      ours = String(compareVersions(a, b));
    } catch (err) {
      if (!(err instanceof PkgmeError)) throw err;
      ours = 'error';
    }
    if (ours !== oracle[i]) mismatches.push(`${a} vs ${b}: ours ${ours}, dpkg ${oracle[i]}`);
  });
  console.log(
    `versions: ${pairs.length} pairs compared with dpkg in ${((Date.now() - t0) / 1000).toFixed(1)} s ` +
      `(${Object.entries(counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}), ${mismatches.length} mismatches`,
  );
  assert.ok(pairs.length >= 10000, `only ${pairs.length} pairs`);
  assert.deepEqual(mismatches.slice(0, 20), []);
});

test('satisfies maps each operator, including the obsolete < and >, onto dpkg', async (t) => {
  if (!requireTools(t, ['dpkg'], 'dpkg')) return;
  const ops: RelationOp[] = ['<<', '<=', '=', '>=', '>>', '<', '>'];
  const pairs: Array<[string, string]> = [
    ['1.0', '1.0'],
    ['1.0', '1.1'],
    ['1.1', '1.0'],
    ['1:0.1', '2.0'],
  ];
  // dpkg accepts the same operator spellings; `<` and `>` are its deprecated <= / >=.
  const script = pairs.flatMap(([a, b]) => ops.map((op) => [a, op, b]));
  const { execFileSync } = await import('node:child_process');
  for (const [a, op, b] of script) {
    let dpkgSays: boolean;
    try {
      execFileSync('dpkg', ['--compare-versions', a!, op!, b!], { stdio: 'ignore' });
      dpkgSays = true;
    } catch {
      dpkgSays = false;
    }
    assert.equal(satisfies(a!, op as RelationOp, b!), dpkgSays, `${a} ${op} ${b}`);
  }
  console.log(`satisfies: ${script.length} operator checks against dpkg`);
});
