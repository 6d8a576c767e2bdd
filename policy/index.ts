import { PolicyPack } from "@pulumi/policy";
import { pack } from "./pack";

// Under `pulumi preview --policy-pack policy` this serves the pack to the engine (it starts a gRPC server).
new PolicyPack(pack.name, { policies: pack.policies, enforcementLevel: pack.enforcementLevel }, pack.config);
