/**
 * Where a package's launchers go. Debian policy 11.11: games install their programs in /usr/games, and lintian
 * 2.116 (Check/Games.pm) reports a package of section games (`games`, `contrib/games`…) with programs in /usr/bin
 * and none in /usr/games as the error package-section-games-but-contains-no-game (hedgewars in the corpus); every
 * other section uses /usr/bin. The layout, the desktop entry's Exec and the checks all ask this one function.
 */
import type { PackagePlan } from './types.ts';

export function launcherDir(plan: Pick<PackagePlan, 'section'>): '/usr/games' | '/usr/bin' {
  return /games$/.test(plan.section) ? '/usr/games' : '/usr/bin';
}
