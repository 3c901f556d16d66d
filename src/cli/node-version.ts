/**
 * Imported first by main.ts, so that a Node.js too old for the rest (no `node:sqlite`, no
 * type stripping) stops with the fix instead of a loader error. Node 20 reaches this only
 * through the built bin (`node dist/cli/main.js`); the npm scripts run the Node 24 that
 * `npm ci` puts into node_modules/.bin.
 */
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `strategy-monitor needs Node.js >= 22.12 (node:sqlite); this is ${process.version} (${process.execPath}).\n` +
      "In the repository, `npm ci` installs Node 24 into node_modules/.bin: use `npm start -- <command>`,\n" +
      "or put it on the PATH with `. scripts/node24.sh`; elsewhere install Node.js 24 (https://nodejs.org/).\n",
  );
  process.exit(1);
}
