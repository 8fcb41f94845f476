/**
 * The generation rule in one place (see src/db/migrations/0001-depdb.ts): a package row belongs to generation G
 * when it was added at or before G and not removed at or before G.
 */
import { sql, type RawBuilder } from 'kysely';

export function visibleAt(pkgAlias: string, gen: RawBuilder<unknown> | number): RawBuilder<boolean> {
  const p = sql.ref(pkgAlias);
  const g = typeof gen === 'number' ? sql.lit(gen) : gen;
  return sql<boolean>`(${p}.added_gen <= ${g} AND (${p}.removed_gen IS NULL OR ${p}.removed_gen > ${g}))`;
}

/** Splits rows so one multi-row INSERT stays under PostgreSQL's 65,535 bind parameters. */
export function chunks<T>(rows: T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(60_000 / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
