import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { metricCatalogue, metricNames, metricNamespaces } from "../../functions/shared/metric-catalogue";

const architecture = readFileSync(path.resolve(__dirname, "..", "..", "docs", "ARCHITECTURE.md"), "utf8");

describe("docs: the metric catalogue", () => {
  it("ARCHITECTURE.md's metrics table lists exactly the catalogued metrics, with namespace, unit and meaning", () => {
    const rows = [...architecture.matchAll(/^\| `(\w+)` \| `(Fluxa\/\w+)` \| (\w+) \| (.+) \|$/gm)].map((m) => m.slice(1, 5));
    const catalogue = metricNames.map((name) => {
      const { service, unit, meaning } = metricCatalogue[name];
      return [name, metricNamespaces[service], unit, meaning];
    });
    expect(rows).to.deep.equal(catalogue);
  });

  it("catalogues idempotency_conflicts, which the processor emits", () => {
    expect(metricCatalogue.idempotency_conflicts.service).to.equal("processor");
  });
});
