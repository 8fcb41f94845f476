/**
 * A guessed field (issue 4): every value pkgme infers about an upload says where it came from and how sure pkgme is,
 * so a reviewer can see each guess and a developer can correct it (`--set field=value` wins with source "user").
 */
export interface Guess<T> {
  value: T;
  /** Where the value came from: `metadata:<file>`, `file:<path>`, `heuristic:<rule>`, `user`, `default`. */
  source: string;
  /** 0..1: 1 for values stated by the developer (metadata file, user), lower for heuristics. */
  confidence: number;
}

export function guess<T>(value: T, source: string, confidence: number): Guess<T> {
  return { value, source, confidence: Math.max(0, Math.min(1, confidence)) };
}
