/**
 * The apt importer as the `pkgme depdb import` registry calls it (src/depdb/store/importer.ts's Importer): the
 * sources come from `--source` lines or the machine's apt configuration; each (source, architecture) is one import
 * into the store. A release whose import had failures is left unfinished in the store (readers keep the previous
 * generation) and APT_IMPORT_INCOMPLETE names the packages; the next run resumes and retries only those.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PkgmeError } from '../../../errors.ts';
import type { Importer, ImportResult } from '../../store/importer.ts';
import { nativeArch } from '../local-dpkg.ts';
import { importApt, type AptImportResult } from './driver.ts';
import { HttpClient } from './http.ts';
import { loadKeys } from './keyring.ts';
import { parseSourceLine, readSystemSources, type AptSource } from './sources.ts';
import { StoreSink } from '../../store/sink.ts';

export interface AptImporterOptions {
  /** `deb [arch=…] URI suite component…` lines; none means the machine's sources. */
  sources?: string[];
  /** The apt configuration directory for the machine's sources (default /etc/apt). */
  aptRoot?: string;
  contents?: 'fail' | 'skip';
  concurrency?: number;
  /** Index cache and journals (default $XDG_CACHE_HOME/pkgme/apt or ~/.cache/pkgme/apt). */
  stateDir?: string;
  /** Called with each finished (source, arch) import, for callers that want the apt figures. */
  onResult?: (r: AptImportResult) => void;
}

export function defaultStateDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'pkgme', 'apt');
}

export function resolveSources(o: AptImporterOptions): AptSource[] {
  if (o.sources && o.sources.length > 0) {
    return o.sources.map((line, i) => {
      const s = parseSourceLine(line, `--source ${i + 1}`);
      if (!s) {
        throw new PkgmeError('APT_SOURCES_SYNTAX', `--source ${i + 1}: not a "deb" line: ${line}`, 'usage', {
          hint: 'e.g. --source "deb [arch=amd64] http://mirror/debian bookworm main"',
        });
      }
      return s;
    });
  }
  return readSystemSources(o.aptRoot);
}

export const aptImporter: Importer<AptImporterOptions> = {
  name: 'apt',
  async run(options, ctx): Promise<ImportResult[]> {
    const sources = resolveSources(options);
    if (ctx.release && sources.length > 1) {
      // Each import replaces the whole release: two sources into one name would leave only the last one's packages.
      throw new PkgmeError(
        'APT_USAGE',
        `--release ${ctx.release} with ${sources.length} sources: each would replace the others' packages`,
        'usage',
        {
          hint: 'give one --source with --release, or leave --release out (each source is stored under its Codename)',
          details: { sources: sources.map((s) => `${s.uri} ${s.suite}`) },
        },
      );
    }
    const http = new HttpClient();
    const results: ImportResult[] = [];
    const incomplete: Array<{ release: string; arch: string; failed: AptImportResult['failed'] }> = [];
    for (const source of sources) {
      const archs = ctx.arch ? [ctx.arch] : source.archs.length > 0 ? source.archs : [nativeArch()];
      const keys = await loadKeys(source.signedBy);
      for (const arch of archs) {
        const sink = new StoreSink(ctx.store);
        const r = await importApt({
          source,
          arch,
          ...(ctx.release ? { release: ctx.release } : {}),
          keys,
          sink,
          http,
          stateDir: options.stateDir ?? defaultStateDir(),
          ...(options.contents ? { contents: options.contents } : {}),
          ...(options.concurrency ? { concurrency: options.concurrency } : {}),
          ...(ctx.batchSize ? { batch: ctx.batchSize } : {}),
          progress: ctx.onProgress
            ? (total, key) => ({
                tick: (done) => ctx.onProgress!({ key, phase: 'control members', done, total }),
                stop: () => undefined,
              })
            : 'auto',
        });
        options.onResult?.(r);
        if (r.failed.length > 0) incomplete.push({ ...r.key, failed: r.failed });
        else for (const st of sink.finished) results.push({ ...st, origin: r.origin, seconds: r.seconds });
      }
    }
    if (incomplete.length > 0) {
      const n = incomplete.reduce((s, i) => s + i.failed.length, 0);
      const first = incomplete[0]!.failed[0]!;
      throw new PkgmeError(
        'APT_IMPORT_INCOMPLETE',
        `${n} package(s) could not be read (first: ${first.package}: ${first.message}); ` +
          `${incomplete.map((i) => `${i.release}/${i.arch}`).join(', ')} left unfinished`,
        'environment',
        {
          hint: 'run the same import again: it resumes and fetches only the packages that failed',
          details: { incomplete: incomplete.map((i) => ({ ...i, failed: i.failed.slice(0, 50) })) },
        },
      );
    }
    return results;
  },
};
