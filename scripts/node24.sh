# Optional: puts the project's Node 24 on the PATH of the current shell, for running `node`
# yourself (e.g. `node dist/cli/main.js`). The npm scripts (`npm start`, `npm test`, ...) do
# not need it: `npm ci` installs Node 24 into node_modules/.bin, which npm puts first on every
# script's PATH. Source it from the repository root, in sh, bash or zsh: `. scripts/node24.sh`.
if [ ! -f scripts/node24/check.cjs ]; then
  echo "node24: source this from the repository root: . scripts/node24.sh" >&2
  return 1 2>/dev/null || exit 1
fi
if [ ! -x node_modules/.bin/node ]; then
  echo "node24: node_modules/.bin/node is missing: run npm ci first" >&2
  return 1 2>/dev/null || exit 1
fi
PATH="$PWD/node_modules/.bin:$PATH"
export PATH
echo "node24: $(command -v node) $(node --version)" >&2
