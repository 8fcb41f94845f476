/**
 * `appstreamcli validate --no-net` on every AppStream metainfo file the .deb installs, then `validate-tree` on a
 * small tree made of the package's metainfo, desktop entries and icons: validate checks each file alone, the tree
 * check adds what only the package as a whole can show (the launchable desktop entry is really shipped, the file name
 * matches the component id). Both read the files from the .deb itself; --no-net because a check must not depend on
 * the homepage being up.
 *
 * Verdict: appstreamcli's own (exit 0). In AppStream 0.16 errors and warnings fail validation, infos and pedantic
 * hints do not; E:/W: lines are reported as errors, I: lines as warnings.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CheckResult } from './index.ts';
import type { DebContents } from './contents.ts';
import { isDesktopEntry } from './desktop.ts';
import { runTool, toolFailed, type ToolRun } from './tool.ts';
import { withTempDir } from './tmp.ts';

const METAINFO_DIRS = ['/usr/share/metainfo/', '/usr/share/appdata/'];
const ICON_DIRS = ['/usr/share/icons/', '/usr/share/pixmaps/'];

export function isMetainfo(path: string): boolean {
  return METAINFO_DIRS.some((d) => path.startsWith(d)) && path.endsWith('.xml');
}

/** The files the tree check needs besides the metainfo. */
export function isAppstreamTreeFile(path: string): boolean {
  return isMetainfo(path) || isDesktopEntry(path) || ICON_DIRS.some((d) => path.startsWith(d));
}

export interface AppstreamIssue {
  code: 'E' | 'W' | 'I' | 'P';
  /** "component-id:line" as printed ("~" for an unknown line). */
  where: string;
  tag: string;
  note: string;
}

const ISSUE = /^\s*([EWIP]): (\S+): (\S+)(?: (.*))?$/;

export function parseAppstreamOutput(text: string): AppstreamIssue[] {
  const out: AppstreamIssue[] = [];
  for (const line of text.split('\n')) {
    const m = ISSUE.exec(line);
    if (m)
      out.push({ code: m[1] as AppstreamIssue['code'], where: m[2]!, tag: m[3]!, note: (m[4] ?? '').trim() });
  }
  return out;
}

/** 0: passed; 3: validation failed (appstreamcli's ASCLI_EXIT_CODE_FAILED). Anything else is appstreamcli failing. */
const VERDICT_STATUSES = new Set([0, 3]);

const issueKey = (i: AppstreamIssue) => `${i.code} ${i.where} ${i.tag} ${i.note}`;

/**
 * Adds a run's issues to errors/warnings, skipping those in `seen` (validate-tree repeats the per-file issues; only
 * what it adds is reported again).
 */
function judge(
  label: string,
  run: ToolRun,
  out: { errors: string[]; warnings: string[]; seen: Set<string> },
): AppstreamIssue[] {
  const { errors, warnings, seen } = out;
  if (run.status === null || !VERDICT_STATUSES.has(run.status))
    throw toolFailed('appstreamcli', run, 'appstream');
  const issues = parseAppstreamOutput(run.stdout);
  for (const i of issues) {
    if (seen.has(issueKey(i))) continue;
    seen.add(issueKey(i));
    const text = `${label}: ${i.code}: ${i.where}: ${i.tag}${i.note ? ` ${i.note}` : ''}`;
    if (i.code === 'E' || i.code === 'W') errors.push(text);
    else if (i.code === 'I') warnings.push(text);
  }
  if (run.status !== 0 && !issues.some((i) => i.code === 'E' || i.code === 'W'))
    errors.push(
      `${label}: appstreamcli reported a failed validation: ${run.stdout.trim().split('\n').pop() ?? ''}`,
    );
  return issues;
}

export async function checkAppstream(contents: DebContents): Promise<CheckResult> {
  const metainfo = [...contents.files.keys()].filter(isMetainfo).sort();
  const out = { errors: [] as string[], warnings: [] as string[], seen: new Set<string>() };
  const files: { path: string; status: number | null; issues: AppstreamIssue[] }[] = [];
  let tree: { status: number | null; issues: AppstreamIssue[] } | undefined;
  if (metainfo.length > 0) {
    await withTempDir('appstream', async (dir) => {
      for (const [path, data] of contents.files) {
        if (!isAppstreamTreeFile(path)) continue;
        const local = join(dir, path);
        await mkdir(dirname(local), { recursive: true });
        await writeFile(local, data);
      }
      for (const path of metainfo) {
        const run = await runTool('appstreamcli', ['validate', '--no-net', join(dir, path)], {
          pkg: 'appstream',
        });
        files.push({ path, status: run.status, issues: judge(path, run, out) });
      }
      const run = await runTool('appstreamcli', ['validate-tree', '--no-net', dir], { pkg: 'appstream' });
      tree = { status: run.status, issues: judge('validate-tree', run, out) };
    });
  }
  return {
    name: 'appstreamcli',
    ok: out.errors.length === 0,
    errors: out.errors,
    warnings: out.warnings,
    details: {
      files,
      ...(tree ? { tree } : {}),
      ...(metainfo.length === 0 ? { note: 'the package installs no AppStream metainfo' } : {}),
    },
  };
}
