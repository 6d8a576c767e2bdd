import { createPool, createTypeParserPreset, type DatabasePool } from "slonik";
import { defaultDatabasePoolSize, envNames } from "../topology";
import { connectionUrl, databaseLocationFromEnv } from "./database-location";
import { loadOnFirstUse } from "./load-on-first-use";
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
  return openPool(await connectionUrl(databaseLocationFromEnv(env)), env);
}

function openPool(url: string, env: Environment): Promise<DatabasePool> {
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

/** PostgreSQL's SQLSTATE 28P01 (invalid_password), wherever slonik wrapped it. */
export function isPasswordRefused(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Object && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    if ((cause as { code?: unknown }).code === "28P01") return true;
  }
  return false;
}

const queryMethods = new Set(["any", "anyFirst", "exists", "many", "manyFirst", "maybeOne", "maybeOneFirst", "one", "oneFirst", "query", "transaction", "connect"]);
type QueryMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * A pool that survives a rotated password: when PostgreSQL refuses it (28P01), the connection URL
 * is read again (the secret), a new pool replaces the old one, and the call is made once more.
 * Calls failing together share one re-read; a call whose pool was replaced meanwhile just retries.
 * A refused password fails before any statement runs, so the retry cannot apply anything twice.
 */
export async function credentialRefreshingPool(knownUrl: () => Promise<string>, freshUrl: () => Promise<string>, env: Environment): Promise<DatabasePool> {
  let current = await openPool(await knownUrl(), env);
  let reopening: Promise<DatabasePool> | undefined;
  const reopen = (refused: DatabasePool): Promise<DatabasePool> => {
    if (refused !== current) return Promise.resolve(current);
    reopening ??= freshUrl()
      .then((url) => openPool(url, env))
      .then((fresh) => {
        const old = current;
        current = fresh;
        old.end().catch(() => undefined);
        return fresh;
      })
      .finally(() => {
        reopening = undefined;
      });
    return reopening;
  };
  const call = async (method: string, args: unknown[]): Promise<unknown> => {
    const pool = current;
    try {
      return await (pool[method as keyof DatabasePool] as QueryMethod)(...args);
    } catch (error) {
      if (!isPasswordRefused(error)) throw error;
      const fresh = await reopen(pool);
      return (fresh[method as keyof DatabasePool] as QueryMethod)(...args);
    }
  };
  return new Proxy(current, {
    get: (_target, property) => {
      if (typeof property === "string" && queryMethods.has(property)) return (...args: unknown[]) => call(property, args);
      const value: unknown = Reflect.get(current, property);
      return typeof value === "function" ? (value as QueryMethod).bind(current) : value;
    },
  });
}

/**
 * The pool of a Lambda environment: settings are checked at cold start (throwing with the variable's
 * name), the connection is opened at once and reused; a failed attempt is retried on the next call.
 * The connection URL (the secret) is read once, and again only when PostgreSQL refuses the password:
 * a database that is down costs no Secrets Manager call per attempt.
 */
export function lazyDatabasePool(env: Environment, readUrl?: () => Promise<string>): () => Promise<DatabasePool> {
  const location = databaseLocationFromEnv(env);
  const read = readUrl ?? (() => connectionUrl(location));
  let url: Promise<string> | undefined;
  const knownUrl = () =>
    (url ??= read().catch((error: unknown) => {
      url = undefined;
      throw error;
    }));
  const freshUrl = () => {
    url = undefined;
    return knownUrl();
  };
  const get = loadOnFirstUse(() =>
    credentialRefreshingPool(knownUrl, freshUrl, env).catch((error: unknown) => {
      if (isPasswordRefused(error)) url = undefined;
      throw error;
    }),
  );
  get().catch(() => undefined);
  return get;
}
