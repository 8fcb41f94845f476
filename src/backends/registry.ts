/**
 * The one place backends are registered. The order is the order of reports ("Tried binary (…), deb (…)") and
 * breaks ties: the first of equal scores wins. Scores do not tie today (a .deb scores 100, binary at most 90).
 */
import { PkgmeError } from '../errors.ts';
import { binaryBackend } from './binary.ts';
import { debBackend } from './deb.ts';
import type { Backend, Detection, Upload } from './types.ts';

export const BACKENDS: readonly Backend[] = [binaryBackend, debBackend];

export interface Ranked extends Detection {
  name: string;
}

/** Every backend's verdict, in registry order. */
export async function detectAll(upload: Upload, backends = BACKENDS): Promise<Ranked[]> {
  const out: Ranked[] = [];
  for (const b of backends) out.push({ name: b.name, ...(await b.detect(upload)) });
  return out;
}

/** The backend with the highest positive score; a typed error naming every backend's reason when none fits. */
export function chooseBackend(upload: Upload, ranked: Ranked[], backends = BACKENDS): Backend {
  let best: Ranked | undefined;
  for (const r of ranked) if (r.score > 0 && (best === undefined || r.score > best.score)) best = r;
  if (best === undefined) {
    const tried = ranked.map((r) => `${r.name} (${r.reason})`).join(', ');
    throw new PkgmeError(
      'NO_ELIGIBLE_BACKEND',
      `No eligible backends for ${upload.name}. Tried ${tried}`,
      'input',
      {
        hint: 'Upload a tarball or directory containing the application’s ELF executables, or a .deb.',
        details: { upload: upload.path, backends: ranked },
      },
    );
  }
  return backends.find((b) => b.name === best.name)!;
}
