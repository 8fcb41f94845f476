/**
 * The auto-packaging rate in `npm run bench` (issue 4, "Real-world check"): the corpus of bench/autopkg/recipe.ts,
 * each member packaged with no correction and checked (lintian, desktop/AppStream validators, chroot install with
 * every library found). PKGME_AUTOPKG_LIMIT=N runs the first N members only. Per-member outcomes and failure
 * classes are printed and written to bench/.work/autopkg.{txt,json}.
 */
import { outcomeLine, report, runAutopkg, save, selectMembers } from './autopkg/harness.ts';
import { fmtMs, median, record } from './lib.ts';

const GOAL = 0.95;

export default async function (): Promise<void> {
  const r = await runAutopkg(selectMembers(), (o) => console.log(`  ${outcomeLine(o)}`));
  const lines = report(r);
  save(r, lines);
  for (const l of lines.slice(lines.findIndex((x) => x.startsWith('auto-packaging rate'))))
    console.log(`  ${l}`);
  const ok = r.outcomes.filter((o) => o.ok).length;
  record({
    bench: `auto-packaging rate (${r.outcomes.length} real applications)`,
    ours: `${ok}/${r.outcomes.length} packaged, lintian-clean, installed`,
    reference: 'every member',
    ratio: `${(r.rate * 100).toFixed(1)} %`,
    goal: '≥ 95 %',
    met: r.rate >= GOAL,
  });
  record({
    bench: 'auto-packaging time per member (median)',
    ours: `package ${fmtMs(median(r.outcomes.map((o) => o.packageMs)))}`,
    reference: `checks ${fmtMs(median(r.outcomes.map((o) => o.checkMs)))}`,
    ratio: '—',
    goal: 'reported',
  });
}
