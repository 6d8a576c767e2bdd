import { expect } from "chai";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { sql } from "slonik";
import { partitionOf } from "../../functions/shared/event-partitions";
import { applyMigrations } from "../../functions/shared/migrations";
import { startTestStack, type TestStack } from "../../scripts/lib/local-stack-client";
import { startEmbeddedPostgres } from "../../scripts/local-stack/embedded-postgres";
import { migrationsAfter, migrationsThrough } from "../support/database";

const day = 86_400_000;

/** `npm start` on a `.fluxa/` written by the version before partitions: its events survive and get partitions. */
describe("local stack on a data directory from before partitions (e2e)", function () {
  this.timeout(180_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), "fluxa-upgrade-"));
  chmodSync(dataDir, 0o755);
  const schema = migrationsThrough(7);
  const lastMonth = new Date(Date.now() - 35 * day);
  let t: TestStack;

  before(async () => {
    const earlier = await startEmbeddedPostgres(dataDir);
    await applyMigrations(earlier.databaseUrl, schema);
    const client = new Client({ connectionString: earlier.databaseUrl });
    await client.connect();
    await client.query(
      `INSERT INTO events (event_id, correlation_id, user_id, amount, currency, merchant, event_timestamp, payload_mode, payload_sha256, received_at, created_at, published_at)
       VALUES ('00000000-0000-7000-8000-000000000001', 'c-1', 'alice', 12.5, 'EUR', 'm', $1, 'INLINE', repeat('a', 64), $1, $1, $1),
              ('00000000-0000-7000-8000-000000000002', 'c-2', 'alice', 7, 'EUR', 'm', $2, 'INLINE', repeat('b', 64), $2, $2, NULL)`,
      [lastMonth.toISOString(), new Date().toISOString()],
    );
    await client.end();
    await earlier.stop();
    t = await startTestStack({ dataDir });
  });

  after(async () => {
    await t?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(schema, { recursive: true, force: true });
  });

  it("migrates, creates the partitions its rows need and those ahead, and serves the old events", async () => {
    expect(t.stackMessages).to.include(`migrations applied: ${migrationsAfter(7).join(", ")}`);
    const created = t.stackMessages.find((m) => m.startsWith("event partitions created: "));
    expect(created).to.include(partitionOf("day", lastMonth).name).and.include(partitionOf("day", new Date()).name);
    const partitions = await t.db.anyFirst(sql.unsafe`SELECT tableoid::regclass::text FROM events ORDER BY event_id`);
    expect(partitions).to.deep.equal([partitionOf("day", lastMonth).name, partitionOf("day", new Date()).name]);
    const response = await fetch(`${t.stack.apiUrl}/events/00000000-0000-7000-8000-000000000001`, { headers: { "x-api-key": t.apiKey } });
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.include({ user_id: "alice", amount: 12.5, source: "default" });
  });
});
