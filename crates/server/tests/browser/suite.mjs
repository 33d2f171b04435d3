// The browser suite: one Chromium for every test, the tests one after another (run.sh starts
// the server and runs this file). Node's own test runner; no other test framework.

import { before, after } from "node:test";
import { launch, close } from "./lib.mjs";

before(launch);
after(close);

await import("./workbench.test.mjs");
await import("./editing.test.mjs");
