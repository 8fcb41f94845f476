/**
 * scanUpload: an upload (archive or directory) → its inventory. Archives are unpacked by the safe extractor into a
 * job directory first, with the same limits the service applies; a directory is read in place.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PkgmeError } from '../errors.ts';
import { extractUpload, type UploadLimits, type UploadManifest } from '../upload/extract.ts';
import { inventoryTree, type Inventory } from './inventory.ts';

export interface ScanOptions {
  /** Where to unpack an archive. Default: a fresh temporary directory, removed after the scan. */
  jobDir?: string;
  limits?: Partial<UploadLimits>;
}

export interface ScanResult {
  upload: string;
  /** The extraction manifest, for archives (warnings such as stripped setuid bits are there). */
  extraction?: Omit<UploadManifest, 'entries'>;
  inventory: Inventory;
}

export async function scanUpload(upload: string, opts: ScanOptions = {}): Promise<ScanResult> {
  let st;
  try {
    st = statSync(upload);
  } catch {
    throw new PkgmeError('SCAN_NOT_FOUND', `no such upload: ${upload}`, 'usage', {
      hint: 'Give the path of a tarball, a zip file or a directory.',
      details: { upload },
    });
  }
  if (st.isDirectory()) return { upload, inventory: inventoryTree(upload) };

  const temp = opts.jobDir === undefined;
  const jobDir = opts.jobDir ?? join(mkdtempSync(join(tmpdir(), 'pkgme-scan-')), 'upload');
  try {
    const manifest = await extractUpload(upload, jobDir, opts.limits);
    const { entries: _entries, ...extraction } = manifest;
    const inventory = inventoryTree(jobDir);
    return { upload, extraction, inventory: temp ? { ...inventory, root: '(temporary)' } : inventory };
  } finally {
    if (temp) rmSync(join(jobDir, '..'), { recursive: true, force: true });
  }
}
