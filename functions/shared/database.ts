import { createPool, createTypeParserPreset, type DatabasePool } from "slonik";
import { defaultDatabasePoolSize, envNames } from "../topology";
import { connectionUrl, databaseLocationFromEnv } from "./database-location";
import { optionalInteger, type Environment } from "./env";

/**
 * slonik reads timestamptz with Date.parse, which takes PostgreSQL's "0001-01-01 00:00:00+00" for
 * 2001 (years 0-99 read as two-digit years); written as ISO 8601 it is read as it was stored.
 */
export const timestamptzParser = {
  name: "timestamptz",
  parse: (value: string): number => {
    if (value === "infinity" || value === "-infinity") return value === "infinity" ? Infinity : -Infinity;
    return Date.parse(value.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00"));
  },
};

/** A small pool: one Lambda environment handles one invocation at a time. */
export async function createDatabasePool(env: Environment): Promise<DatabasePool> {
  const url = await connectionUrl(databaseLocationFromEnv(env));
  return createPool(url, {
    maximumPoolSize: optionalInteger(env, envNames.databasePoolSize, defaultDatabasePoolSize, { min: 1, max: 20 }),
    connectionTimeout: 5_000,
    statementTimeout: 10_000,
    idleTimeout: 60_000,
    // slonik runs DISCARD ALL on every release by default: one more round trip per query, and it
    // drops prepared statements. Fluxa sets no session state, so there is nothing to reset.
    resetConnection: () => Promise.resolve(),
    typeParsers: [...createTypeParserPreset().filter((parser) => parser.name !== "timestamptz"), timestamptzParser],
  });
}

/**
 * The pool of a Lambda environment: settings are checked at cold start (throwing with the variable's
 * name), the connection is opened at once and reused; a failed attempt is retried on the next call.
 */
export function lazyDatabasePool(env: Environment): () => Promise<DatabasePool> {
  databaseLocationFromEnv(env);
  let pending: Promise<DatabasePool> | undefined;
  const get = (): Promise<DatabasePool> => {
    pending ??= createDatabasePool(env).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  get().catch(() => undefined);
  return get;
}
