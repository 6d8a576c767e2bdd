import { expect } from "chai";
import { sql } from "slonik";
import { postgresEventRepository } from "../../../functions/adapters/postgres-event-repository";
import { isPasswordRefused, lazyDatabasePool } from "../../../functions/shared/database";
import { startTestDatabase, type TestDatabase } from "../../support/database";
import { newEvent, testEventId } from "../../../scripts/lib/factories";

/**
 * RDS rotates the master secret: the password changes in PostgreSQL and in Secrets Manager, and
 * connections opened afterwards with the old one are refused (SQLSTATE 28P01). The secret source is
 * faked; the role, its password and the refusals are real.
 */
describe("secret rotation (embedded PostgreSQL)", function () {
  this.timeout(60_000);
  let db: TestDatabase;
  const role = "fluxa_rotating";

  before(async () => {
    db = await startTestDatabase();
    await db.pool.query(sql.unsafe`CREATE ROLE fluxa_rotating LOGIN PASSWORD 'before-rotation'`);
    await db.pool.query(sql.unsafe`GRANT SELECT, INSERT, UPDATE ON events, event_keys, outbox TO fluxa_rotating`);
    await db.pool.query(sql.unsafe`GRANT SELECT ON erasures TO fluxa_rotating`);
  });
  after(async () => db?.stop());

  function secretSource(password: string) {
    const secret = { password, reads: 0 };
    const readUrl = () => {
      secret.reads += 1;
      const url = new URL(db.url);
      url.username = role;
      url.password = secret.password;
      return Promise.resolve(url.toString());
    };
    return { secret, readUrl };
  }

  it("re-reads the secret once when the password is refused mid-stream, and loses no batch", async () => {
    const { secret, readUrl } = secretSource("before-rotation");
    const pool = lazyDatabasePool({ DATABASE_URL: db.url, DB_POOL_SIZE: "4" }, readUrl);
    const store = postgresEventRepository(await pool());
    const batch = (n: number) => Array.from({ length: 10 }, (_, i) => newEvent(n * 10 + i + 1));

    // A batch that fails is received again, as SQS redelivers a deferred message.
    const persistRedelivered = async (n: number) => {
      for (let receive = 1; ; receive++) {
        try {
          return await store.persist(batch(n));
        } catch (error) {
          if (receive === 3) throw error;
        }
      }
    };

    for (let n = 0; n < 5; n++) await persistRedelivered(n);
    await db.pool.query(sql.unsafe`ALTER ROLE fluxa_rotating PASSWORD 'after-rotation'`);
    secret.password = "after-rotation";
    // Open sessions outlive a rotation; cutting them (as a failover would) makes the pool open new
    // ones, which the new password refuses. Four batches at once share one re-read of the secret.
    await db.pool.query(sql.unsafe`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'fluxa_rotating'`);
    await Promise.all([5, 6, 7, 8].map(persistRedelivered));
    for (let n = 9; n < 12; n++) await persistRedelivered(n);

    expect(secret.reads).to.equal(2);
    const stored = await db.pool.anyFirst(sql.unsafe`SELECT event_id::text FROM events ORDER BY event_id`);
    expect(stored).to.deep.equal(Array.from({ length: 120 }, (_, i) => testEventId(i + 1)));
    await (await pool()).end();
  });

  it("passes other errors through untouched, and knows 28P01 wherever it is wrapped", async () => {
    // The first test rotated the role's password to this.
    const { readUrl } = secretSource("after-rotation");
    const pool = await lazyDatabasePool({ DATABASE_URL: db.url }, readUrl)();
    const error: unknown = await pool.query(sql.unsafe`SELECT * FROM no_such_table`).catch((e: unknown) => e);
    expect(isPasswordRefused(error)).to.equal(false);
    expect(isPasswordRefused(new Error("wrapped", { cause: Object.assign(new Error("refused"), { code: "28P01" }) }))).to.equal(true);
    await pool.end();
  });
});
