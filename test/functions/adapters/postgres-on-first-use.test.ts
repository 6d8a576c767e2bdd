import { expect } from "chai";
import type { DatabasePool } from "slonik";
import { postgresEventRepositoryOnFirstUse, postgresReplayStoreOnFirstUse } from "../../../functions/adapters/postgres-on-first-use";

/** A pool thunk as lazyDatabasePool returns it: refused while the database is down, then a pool. */
function poolAfterOutage(failures: number, pool: Partial<DatabasePool>) {
  let attempts = 0;
  const get = () => (++attempts <= failures ? Promise.reject(new Error("ECONNREFUSED")) : Promise.resolve(pool as DatabasePool));
  return { get, attempts: () => attempts };
}

describe("PostgreSQL stores opened on first use", () => {
  it("builds the stores without touching the pool, fails a call alone while it cannot open, then serves the next", async () => {
    const pool = poolAfterOutage(1, { maybeOne: () => Promise.resolve(null) });
    const events = postgresEventRepositoryOnFirstUse(pool.get);
    const replays = postgresReplayStoreOnFirstUse(pool.get);
    expect(pool.attempts()).to.equal(0);

    let refused: unknown;
    await events.findById("0190a5c4-0000-7000-8000-000000000001", "default").catch((error: unknown) => (refused = error));
    expect(String(refused)).to.include("ECONNREFUSED");
    expect(await events.findById("0190a5c4-0000-7000-8000-000000000001", "default")).to.equal(undefined);
    expect(await replays.find("7a1d0c4e-0000-4000-8000-000000000001")).to.equal(undefined);
  });
});
