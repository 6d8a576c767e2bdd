import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { startEmbeddedPostgres } from "../../scripts/local-stack/embedded-postgres";

async function currentDatabase(databaseUrl: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>("SELECT current_database() AS name");
    return rows[0].name;
  } finally {
    await client.end();
  }
}

describe("local stack: embedded PostgreSQL", function () {
  this.timeout(60_000);
  let dataDir: string;

  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "fluxa-pg-"));
    // We run as root and PostgreSQL as the postgres user, which must be able to reach the data dir.
    chmodSync(dataDir, 0o755);
  });

  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("initialises a data dir, serves the fluxa database, and starts again from the same data dir", async () => {
    const first = await startEmbeddedPostgres(dataDir);
    try {
      assert.equal(await currentDatabase(first.databaseUrl), "fluxa");
    } finally {
      await first.stop();
    }

    const second = await startEmbeddedPostgres(dataDir);
    try {
      assert.equal(await currentDatabase(second.databaseUrl), "fluxa");
    } finally {
      await second.stop();
    }
  });
});
