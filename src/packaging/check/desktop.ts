/**
 * desktop-file-validate on every desktop entry the .deb installs (/usr/share/applications/*.desktop), read from the
 * package itself (src/packaging/check/contents.ts), so the file checked is byte for byte the one users get.
 *
 * Verdict: any "error:" line fails the check, including the ones desktop-file-validate prints as
 * "error: (will be fatal in the future)" while still exiting 0: issue 4 wants the entry to pass the validator, and an
 * error the next release makes fatal is not a pass. "warning:" and "hint:" lines are reported, not fatal.
 */
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CheckResult } from './index.ts';
import type { DebContents } from './contents.ts';
import { runTool } from './tool.ts';
import { withTempDir } from './tmp.ts';

export const APPLICATIONS_DIR = '/usr/share/applications/';

export function isDesktopEntry(path: string): boolean {
  return path.startsWith(APPLICATIONS_DIR) && path.endsWith('.desktop');
}

export interface ValidatorLine {
  file: string;
  level: 'error' | 'warning' | 'hint';
  message: string;
}

const LINE = /^(.*?): (error|warning|hint): (.*)$/;

/** Parses desktop-file-validate's `file: level: message` lines; other lines are kept as errors (unknown output). */
export function parseDesktopValidate(text: string): { lines: ValidatorLine[]; unparsed: string[] } {
  const lines: ValidatorLine[] = [];
  const unparsed: string[] = [];
  for (const l of text.split('\n')) {
    if (l.trim() === '') continue;
    const m = LINE.exec(l);
    if (m) lines.push({ file: m[1]!, level: m[2] as ValidatorLine['level'], message: m[3]! });
    else unparsed.push(l);
  }
  return { lines, unparsed };
}

/** Validates each desktop entry of the package (one run per file, so each verdict is the tool's own exit status). */
export async function checkDesktopEntries(contents: DebContents): Promise<CheckResult> {
  const paths = [...contents.files.keys()].filter(isDesktopEntry).sort();
  const errors: string[] = [];
  const warnings: string[] = [];
  const files: { path: string; status: number | null }[] = [];
  await withTempDir('desktop', async (dir) => {
    for (const path of paths) {
      // The validator checks that the file name is a valid desktop-file id, so keep the installed name.
      const local = join(dir, basename(path));
      await writeFile(local, contents.files.get(path)!);
      const run = await runTool('desktop-file-validate', [local], { pkg: 'desktop-file-utils' });
      files.push({ path, status: run.status });
      const { lines, unparsed } = parseDesktopValidate(run.stdout + run.stderr);
      for (const l of lines)
        (l.level === 'error' ? errors : warnings).push(`${path}: ${l.level}: ${l.message}`);
      for (const u of unparsed) errors.push(`${path}: ${u}`);
      if (run.status !== 0 && lines.every((l) => l.level !== 'error') && unparsed.length === 0)
        errors.push(`${path}: desktop-file-validate exited ${run.status}`);
    }
  });
  return {
    name: 'desktop-file-validate',
    ok: errors.length === 0,
    errors,
    warnings,
    details: { files, ...(paths.length === 0 ? { note: 'the package installs no desktop entry' } : {}) },
  };
}
