/**
 * The test command (`npm test`): finds every `*.test.ts` under src/ and bench/ and runs them with node's test runner.
 *
 * Why a script: node 20's `--test` does not expand globs, and CI needs one extra rule node lacks: with CI=true a
 * skipped or todo test is a failure (DESIGN.md §7), since a skip proves nothing. The spec reporter goes to stdout
 * (its closing `ℹ pass / ℹ fail` lines are what CI reads); a TAP copy is parsed for skips.
 *
 * Usage: npm test [-- substring…]   runs only files whose path contains one of the substrings
 *        npm run fuzz                 runs only the `*.fuzz.test.ts` files, with a longer budget
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const fuzzOnly = args.includes('--fuzz');
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

let files = [...walk(join(root, 'src'), []), ...walk(join(root, 'bench'), [])].sort();
if (fuzzOnly) files = files.filter((f) => f.endsWith('.fuzz.test.ts'));
if (filters.length > 0) files = files.filter((f) => filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const tapDir = join(root, '.cache');
mkdirSync(tapDir, { recursive: true });
const tapFile = join(tapDir, 'test-results.tap');
const res = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${process.env.PKGME_TEST_CONCURRENCY ?? 2}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);

let code = res.status ?? 1;
const tap = readFileSync(tapFile, 'utf8');
const count = (name: string) => Number(tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
const skipped = count('skipped');
const todo = count('todo');
if (skipped + todo > 0) {
  const lines = tap.split('\n').filter((l) => /# (SKIP|TODO)\b/.test(l));
  console.log(`\n${skipped} skipped, ${todo} todo:\n${lines.map((l) => '  ' + l.trim()).join('\n')}`);
  if (process.env.CI === 'true' || process.env.CI === '1') {
    console.log('CI=true: a skipped or todo test is a failure.');
    if (code === 0) code = 1;
  }
}
process.exit(code);
