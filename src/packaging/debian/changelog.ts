/**
 * debian/changelog: a single entry saying where the package came from and what the user corrected by hand, so the
 * first thing a reviewer of the source package reads is its provenance. The date is the plan's date (also
 * SOURCE_DATE_EPOCH), so regenerating from the same plan gives the same bytes.
 */
import type { PackagePlan } from '../types.ts';
import { oneLine, wrap } from './text.ts';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** debian/changelog lines over 80 columns are lintian's debian-changelog-line-too-long. */
const LINE_MAX = 80;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** RFC 2822 date in UTC, the form dpkg-parsechangelog expects: `Tue, 05 Mar 2024 10:20:30 +0000`. */
export function rfc2822(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time} +0000`;
}

/** A `  * item` bullet wrapped to 80 columns with its continuation lines indented under the text. */
function bullet(text: string): string[] {
  return wrap(oneLine(text), LINE_MAX - 4).map((l, i) => (i === 0 ? '  * ' : '    ') + l);
}

/** The fields the user set (source "user"), sorted, for the changelog's record of hand corrections. */
export function userFields(plan: Pick<PackagePlan, 'fields'>): string[] {
  return Object.entries(plan.fields)
    .filter(([, g]) => g.source === 'user')
    .map(([name]) => name)
    .sort();
}

export function changelog(plan: PackagePlan): string {
  const upload =
    plan.uploadName !== undefined && oneLine(plan.uploadName) !== ''
      ? oneLine(plan.uploadName)
      : "the developer's upload";
  const items = [...bullet(`Packaged by pkgme from ${upload}.`)];
  const corrected = userFields(plan);
  if (corrected.length > 0) items.push(...bullet(`Corrected by the user: ${corrected.join(', ')}.`));
  return [
    `${plan.package} (${plan.version}) ${plan.release}; urgency=medium`,
    '',
    ...items,
    '',
    ` -- ${oneLine(plan.maintainer)}  ${rfc2822(plan.date)}`,
    '',
  ].join('\n');
}
