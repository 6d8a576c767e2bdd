"use strict";
// The emulator's worker thread. tsx compiles its TypeScript here: loaders registered on the host
// thread (tsx under npm start, mocha's require) do not reach worker threads.
require("tsx/cjs/api").require("./aws-emulator-server.ts", __filename).serveFromWorker();
