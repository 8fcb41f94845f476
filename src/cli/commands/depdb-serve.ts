/**
 * `pkgme depdb serve [--db PATH|URL] [--host 127.0.0.1] [--port 8080] [--arch A] [--json-logs] [--json]`: the
 * dependency database over HTTP (libdep-service v1/v2 lookups, POST /v3/resolve; docs/depdb-http.md). Runs until
 * SIGINT/SIGTERM, then closes the listener and the database.
 */
import type { Command } from 'commander';
import { PkgmeError } from '../../errors.ts';
import { buildDepdbApp } from '../../depdb/http/index.ts';
import { nativeArch } from '../../depdb/import/local-dpkg.ts';
import { openStore } from '../../depdb/store/open.ts';

interface ServeOptions {
  db?: string;
  host: string;
  port: string;
  arch?: string;
  bodyLimit: string;
  jsonLogs?: boolean;
  json?: boolean;
}

function intOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new PkgmeError(
      'USAGE_BAD_OPTION',
      `--${name} ${value} is not an integer in [${min}, ${max}]`,
      'usage',
      {
        hint: `Give --${name} a whole number between ${min} and ${max}.`,
        details: { option: name, value },
      },
    );
  }
  return n;
}

export function register(depdb: Command): void {
  depdb
    .command('serve')
    .description('Serve the dependency database over HTTP (libdep-service v1/v2, POST /v3/resolve)')
    .option(
      '--db <path|url>',
      'PGlite directory or postgres:// URL (default: $DATABASE_URL, else the data directory)',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '8080')
    .option(
      '--arch <arch>',
      'architecture v1 answers for (default: this machine’s, dpkg --print-architecture)',
    )
    .option('--body-limit <bytes>', 'largest POST /v3/resolve body accepted', String(32 * 1024 * 1024))
    .option('--json-logs', 'log every request as a JSON line on stdout')
    .option('--json', 'print the listening address as JSON')
    .action(async (o: ServeOptions) => {
      const port = intOption('port', o.port, 0, 65535);
      const bodyLimit = intOption('body-limit', o.bodyLimit, 1024, 2 ** 31 - 1);
      let defaultArch = o.arch;
      if (defaultArch === undefined) {
        try {
          defaultArch = nativeArch();
        } catch {
          defaultArch = 'amd64';
        }
      }
      const { store, close } = await openStore(o.db);
      const app = await buildDepdbApp({ reader: store, logger: o.jsonLogs === true, defaultArch, bodyLimit });
      let address: string;
      try {
        address = await app.listen({ host: o.host, port });
      } catch (err) {
        await close();
        const e = err as NodeJS.ErrnoException;
        throw new PkgmeError(
          'DEPDB_SERVE_LISTEN',
          `cannot listen on ${o.host}:${port}: ${e.message}`,
          'environment',
          {
            hint:
              e.code === 'EADDRINUSE'
                ? 'Choose another --port (or stop what uses it).'
                : 'Check --host and --port.',
            details: { host: o.host, port, errno: e.code },
          },
        );
      }
      process.stdout.write(
        o.json
          ? JSON.stringify({ listening: address, defaultArch }) + '\n'
          : `pkgme depdb serve: listening on ${address} (v1 architecture ${defaultArch})\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await app.close();
      await close();
    });
}
