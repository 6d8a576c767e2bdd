import { Client } from "pg";
import type { DatabasePool } from "slonik";

export interface CapturedQuery {
  readonly sql: string;
  readonly values: readonly unknown[];
}

/**
 * A pool that records the queries sent through `methods` instead of running them (answering as an
 * empty result would), so a test can EXPLAIN exactly what the store sends.
 */
export function capturingPool(pool: DatabasePool, methods: Readonly<Record<string, unknown>>): { pool: DatabasePool; captured: CapturedQuery[] } {
  const captured: CapturedQuery[] = [];
  const capturing = new Proxy(pool, {
    get: (target, property): unknown => {
      if (typeof property !== "string" || !(property in methods)) return Reflect.get(target, property);
      return (query: CapturedQuery) => {
        captured.push(query);
        return methods[property];
      };
    },
  });
  return { pool: capturing, captured };
}

/**
 * The plan of a captured query, with each partition's index named by the parent index it was
 * created from (`events_p20240104_created_at_event_id_idx` reads `events_created_at_event_id_idx`).
 * `analyze` runs the query too, so the plan shows which partitions run-time pruning left unexecuted.
 */
export async function planOf(url: string, query: CapturedQuery, options: { analyze?: boolean } = {}): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const explain = options.analyze ? "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)" : "EXPLAIN";
    const result = await client.query<{ "QUERY PLAN": string }>(`${explain} ${query.sql.replace(/\$slonik_(\d+)/g, "$$$1")}`, [...query.values]);
    const parents = await client.query<{ child: string; parent: string }>(`
      SELECT c.relname AS child, p.relname AS parent FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE c.relkind = 'i'`);
    const byChild = new Map(parents.rows.map((row) => [row.child, row.parent]));
    return result.rows
      .map((row) => row["QUERY PLAN"].replace(/\b(events_\w+)/g, (name) => byChild.get(name) ?? name))
      .join("\n");
  } finally {
    await client.end();
  }
}

/** The partitions of events a plan reads: every scan node's table, less those never executed. */
export function partitionsRead(plan: string): string[] {
  const read = plan
    .split("\n")
    .filter((line) => !line.includes("never executed"))
    .flatMap((line) => [...line.matchAll(/ on (events_(?:p\d{8}|default))\b/g)].map((match) => match[1]));
  return [...new Set(read)].sort();
}

/**
 * The plans of every statement `run` sends and the statements inside the functions they call (such
 * as a plpgsql body), as auto_explain logs them with ANALYZE; it sends them to this client as notices.
 */
export async function nestedPlans(url: string, run: (client: Client) => Promise<unknown>): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const plans: string[] = [];
  client.on("notice", (notice) => plans.push(notice.message ?? ""));
  try {
    await client.query("LOAD 'auto_explain'");
    for (const setting of ["auto_explain.log_min_duration = 0", "auto_explain.log_nested_statements = on", "auto_explain.log_analyze = on", "client_min_messages = log"]) {
      await client.query(`SET ${setting}`);
    }
    await run(client);
    return plans;
  } finally {
    await client.end();
  }
}
