import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { privateAncestor, startEmbeddedPostgres } from "../../scripts/local-stack/embedded-postgres";

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

describe("local stack: embedded PostgreSQL under a private directory", function () {
  this.timeout(60_000);
  let privateDir: string;

  before(() => {
    privateDir = mkdtempSync(path.join(tmpdir(), "fluxa-private-")); // 0700, as `mktemp -d` makes it
    chmodSync(privateDir, 0o700);
  });

  after(() => rmSync(privateDir, { recursive: true, force: true }));

  it("names the first directory the postgres user cannot enter, only when running as root", () => {
    const dataDir = path.join(privateDir, "nested", "data");
    assert.equal(privateAncestor(path.join(dataDir, "postgres"), true), privateDir);
    assert.equal(privateAncestor(path.join(dataDir, "postgres"), false), undefined);
    const open = mkdtempSync(path.join(tmpdir(), "fluxa-open-"));
    try {
      chmodSync(open, 0o755);
      assert.equal(privateAncestor(path.join(open, "data", "postgres"), true), undefined);
    } finally {
      rmSync(open, { recursive: true, force: true });
    }
  });

  it("as root, refuses a data directory inside it at once, saying what to do, and creates nothing", async function () {
    if (process.getuid?.() !== 0) this.skip();
    const dataDir = path.join(privateDir, "data");
    mkdirSync(dataDir);
    await assert.rejects(startEmbeddedPostgres(dataDir), (error: Error) => {
      assert.match(error.message, new RegExp(`cannot enter ${privateDir} \\(mode 0700\\)`));
      assert.match(error.message, new RegExp(`chmod o\\+x ${privateDir}`));
      assert.match(error.message, /FLUXA_DATA_DIR/);
      return true;
    });
    assert.equal(existsSync(path.join(dataDir, "postgres")), false);
  });

  it("as root, starts once the private directory is made enterable, as the message says", async function () {
    if (process.getuid?.() !== 0) this.skip();
    chmodSync(privateDir, 0o711);
    const server = await startEmbeddedPostgres(path.join(privateDir, "data"));
    try {
      assert.equal(await currentDatabase(server.databaseUrl), "fluxa");
    } finally {
      await server.stop();
    }
  });
});
