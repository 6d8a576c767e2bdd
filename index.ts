import { loadConfig } from "./stack-config/config";
import { createFluxa } from "./components/program";
import { stackOutputs } from "./components/stack-outputs";

// Pulumi takes the module's exports as the stack outputs; their names are in components/stack-outputs.ts.
export = stackOutputs(createFluxa(loadConfig()));
