/**
 * The backend protocol (issue 4, docs/backends.md). A backend knows one kind of upload: `detect` says how well it
 * fits (so `inspect --which-backends` can show every backend's verdict and the best one wins), `info` turns the
 * upload into guessed fields, each with its provenance, so a reviewer sees where every value came from.
 */
import type { Guess } from '../inspect/guess/field.ts';
import type { Inventory } from '../inspect/inventory.ts';

export interface Upload {
  /** The path the user gave. */
  path: string;
  /** Its base name (a tarball's name carries the package name and version). */
  name: string;
  /** Whether the upload is a single file (an archive or a .deb) rather than a directory. */
  isFile: boolean;
  /** The unpacked tree (the directory itself for a directory upload); null when the file was not unpacked (.deb). */
  root: string | null;
  /** The inventory of `root` (empty when root is null). */
  inventory: Inventory;
}

export interface Detection {
  /** 0 means not eligible; higher wins. Scores are comparable across backends: 0..100. */
  score: number;
  /** Why, in a few words, e.g. "2 ELF executables, 1 shared library" or "no ELF files found". */
  reason: string;
}

export interface Problem {
  severity: 'warning' | 'error';
  code: string;
  message: string;
  hint?: string;
}

export interface BackendInfo {
  fields: Record<string, Guess<unknown>>;
  problems: Problem[];
}

export interface Backend {
  name: string;
  detect(upload: Upload): Promise<Detection>;
  info(upload: Upload): Promise<BackendInfo>;
}
