// `npm run test:fast`: every test that needs neither the local stack nor PostgreSQL (test/import-graph.cjs
// decides, from what each test file imports). `npm test` runs them all with .mocharc.json.
// The fast tier runs its files in parallel worker processes: none of them shares a port, a directory
// or a database, and the edit loop's minute is spent mostly loading @pulumi/aws once per file.
const { availableParallelism } = require("node:os");
const { testTiers } = require("./test/import-graph.cjs");

module.exports = {
  spec: testTiers().fast,
  require: ["tsx/cjs"],
  timeout: 60000,
  exit: true,
  parallel: true,
  jobs: Math.max(2, availableParallelism()),
};
