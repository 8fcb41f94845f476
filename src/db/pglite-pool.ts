/**
 * A pg-Pool look-alike over one PGlite instance, so Kysely's PostgresDialect drives PGlite exactly as it drives a
 * server. PGlite is a single connection: two interleaved transactions would share one session and corrupt each
 * other. So the pool hands out its only client to one borrower at a time and queues the rest; Kysely holds the
 * client for the whole of a transaction, which therefore runs alone. (Code inside a transaction must use the
 * transaction object, never the outer Kysely instance: that would wait for the client the transaction holds.)
 */
import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

type Command = PostgresQueryResult<unknown>['command'];

/** The statement's verb, which Kysely uses to decide whether `rowCount` means affected rows. */
function commandOf(sqlText: string): Command {
  const m = /^\s*(?:with\b[\s\S]*?\)\s*)?(insert|update|delete|merge|select)\b/i.exec(sqlText);
  return (m?.[1]?.toUpperCase() as Command | undefined) ?? 'SELECT';
}

export class PGlitePool implements PostgresPool {
  private busy = false;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly pg: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    if (this.busy) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.busy = true;
    let released = false;
    const client = {
      query: async (text: string, params: readonly unknown[]) => {
        const r = await this.pg.query(text, [...params]);
        return {
          command: commandOf(text),
          rowCount: r.affectedRows ?? r.rows.length,
          rows: r.rows,
        };
      },
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiters.shift();
        if (next) next();
        else this.busy = false;
      },
    };
    return client as unknown as PostgresPoolClient;
  }

  async end(): Promise<void> {
    await this.pg.close();
  }
}
