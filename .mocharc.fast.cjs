// `npm run test:fast`: every test that needs neither the local stack nor PostgreSQL (test/import-graph.cjs
// decides, from what each test file imports). `npm test` runs them all with .mocharc.json.
const { testTiers } = require("./test/import-graph.cjs");

module.exports = {
  spec: testTiers().fast,
  require: ["tsx/cjs"],
  timeout: 60000,
  exit: true,
};
