/**
 * The desktop entry as the plan finally decides it. The backend fixed or generated the entry from its own guesses;
 * corrections made after that (`--set executables`, `icon`, `categories`, `summary`, `name`) must reach it too, or
 * the menu entry would launch a program the package does not install. So the entry is fixed once more with the
 * final facts (fixDesktop is idempotent for an entry it already fixed), and a user's categories and summary replace
 * the entry's Categories and Comment.
 */
import { basename } from 'node:path';
import {
  escapeValue,
  fixDesktop,
  getKey,
  mainGroup,
  parseDesktop,
  serializeDesktop,
  validateDesktop,
  type DesktopGroup,
} from '../inspect/guess/desktop.ts';

export interface FinalDesktopFacts {
  package: string;
  executable: string;
  /** Where the launcher is installed (launcherDir): the entry's Exec points at it. */
  launcherDir: string;
  icon: string | null;
  name: string;
  categories: string[];
  summary: string;
  /** Which of categories and summary the user set: only those replace what the entry says. */
  userCategories: boolean;
  userSummary: boolean;
}

function replaceKey(group: DesktopGroup, key: string, raw: string): void {
  // Translations of a replaced value would no longer match it, so they go with it.
  group.entries = group.entries.filter((e) => e.key !== key);
  group.entries.push({ key, raw });
}

/** The final entry text, or undefined when `text` does not parse or the result is not valid. */
export function finalDesktop(text: string, facts: FinalDesktopFacts): string | undefined {
  let file;
  try {
    file = parseDesktop(Buffer.from(text, 'utf8'));
  } catch {
    return undefined;
  }
  const main = mainGroup(file);
  if (main !== undefined) {
    if (facts.userCategories && facts.categories.length > 0)
      replaceKey(main, 'Categories', `${facts.categories.join(';')};`);
    if (facts.userSummary) replaceKey(main, 'Comment', escapeValue(facts.summary));
  }
  const icon = facts.icon ?? (main === undefined ? undefined : getKey(main, 'Icon')) ?? facts.package;
  fixDesktop(file, {
    exec: `${facts.launcherDir}/${basename(facts.executable)}`,
    icon,
    name: facts.name,
    categories: facts.categories,
  });
  if (validateDesktop(file).some((p) => p.level === 'error')) return undefined;
  return serializeDesktop(file);
}
