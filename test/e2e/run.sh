#!/usr/bin/env bash
# End-to-end test in a real VS Code (code-server's web workbench, VS Code 1.139.1) driven by
# playwright-core + Debian chromium, offline. See /work/shared/docs/E2E-VSCODE.md.
#   bash test/e2e/run.sh
# Env: E2E_CACHE (tool cache, default /var/tmp/struct-ops-e2e), E2E_CHROMIUM (default /usr/bin/chromium), E2E_VSIX (test this .vsix instead of
#   building one), E2E_KEEP=1 (keep the run dir), E2E_TIMEOUT (seconds for e2e.js, default 420).
# Exit 0 when every check passes (or "e2e skipped: ..." when chromium cannot be installed), else 1.
# The last line of output is always "N passed, N failed".
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export E2E_CACHE=${E2E_CACHE:-/var/tmp/struct-ops-e2e}
NODE24_VERSION=${NODE24_VERSION:-24.21.0}
T0=$(date +%s); now() { echo $(( $(date +%s) - T0 )); }
say() { echo "e2e [$(now)s] $*"; }
PRE_PASS=0; PRE_FAIL=0
pre() { # pre PASS|FAIL name detail  -- checks done here in bash, counted in the closing line
  if [ "$1" = PASS ]; then PRE_PASS=$((PRE_PASS + 1)); else PRE_FAIL=$((PRE_FAIL + 1)); fi
  echo "$1 $2${3:+ -- $3}"
}
finish() { # print timings and the closing line; exit code from the counts
  local p=$((PRE_PASS + ${E2E_PASSED:-0})) f=$((PRE_FAIL + ${E2E_FAILED:-0}))
  echo "e2e timings: setup ${T_SETUP:-?}s, build+package ${T_BUILD:-?}s, install ${T_INSTALL:-?}s, ui ${T_UI:-?}s, total $(now)s"
  [ -n "${RUN:-}" ] && echo "e2e logs: $RUN (code-server.log, user-data/logs), screenshots: $SHOTS"
  echo "$p passed, $f failed"
  [ "$f" = 0 ] && exit 0 || exit 1
}

# --- 1. tools --------------------------------------------------------------------------------------
t=$(date +%s)
bash "$HERE/setup.sh"; rc=$?
T_SETUP=$(( $(date +%s) - t ))
if [ $rc = 3 ]; then
  echo "e2e skipped: chromium cannot be installed (apt-get install chromium failed or not root; see above)"
  echo "0 passed, 0 failed"; exit 0
fi
if [ $rc != 0 ]; then pre FAIL "setup" "test/e2e/setup.sh exited $rc"; finish; fi
N24=$E2E_CACHE/node24/node-v$NODE24_VERSION/bin/node
CS_ENTRY=$E2E_CACHE/cs/node_modules/code-server/out/node/entry.js

# --- 2. run dir: user data, extensions, workspace copy, screenshots ----------------------------------
mkdir -p "$E2E_CACHE/runs"
# Reap what an earlier run.sh that died without its EXIT trap (SIGKILL) left behind: only process
# groups recorded by a run whose owner ($$ of that run.sh) is gone, and only if the group leader's
# command line still names that run dir (code-server: --user-data-dir; chromium: its profile in \$RUN/rt).
for d in "$E2E_CACHE"/runs/run-*; do
  [ -f "$d/owner.pid" ] || continue
  kill -0 "$(cat "$d/owner.pid")" 2>/dev/null && continue
  for f in "$d"/cs.pgid "$d"/ui.pgid "$d"/chromium.pid; do
    [ -f "$f" ] || continue; g=$(cat "$f")
    if [ -r "/proc/$g/cmdline" ] && tr '\0' ' ' 2>/dev/null < "/proc/$g/cmdline" | grep -qF "$d"; then
      say "reaping process group $g left by $d"; kill -KILL -- "-$g" 2>/dev/null
    fi
  done
  rm -f "$d/owner.pid"
done
ls -1dt "$E2E_CACHE"/runs/run-* 2>/dev/null | tail -n +4 | xargs -r rm -rf   # keep the last 3 runs
RUN=$(mktemp -d "$E2E_CACHE/runs/run-$(date +%H%M%S)-XXXX")
SHOTS=$REPO/test-results/e2e
echo $$ > "$RUN/owner.pid"
rm -rf "$SHOTS"; mkdir -p "$SHOTS" "$RUN/rt" "$RUN/user-data/User" "$RUN/extensions"
chmod 700 "$RUN/rt"
cp -r "$HERE/fixtures/workspace" "$RUN/workspace"
cat > "$RUN/user-data/User/settings.json" <<'JSON'
{
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "security.workspace.trust.enabled": false,
  "git.enabled": false,
  "window.restoreWindows": "none",
  "editor.hover.delay": 100,
  "files.autoSave": "off"
}
JSON
export XDG_CONFIG_HOME=$RUN/xdg-config XDG_DATA_HOME=$RUN/xdg-data XDG_CACHE_HOME=$RUN/xdg-cache
export XDG_RUNTIME_DIR=$RUN/rt NODE_DISABLE_COMPILE_CACHE=1
export TMPDIR=$RUN/rt   # also playwright's chromium profile dir: its command line then names this run

CS_PGID=""; UI_PGID=""
cleanup() {
  local g
  for g in $UI_PGID $CS_PGID; do kill -TERM -- "-$g" 2>/dev/null; done
  [ -f "$RUN/chromium.pid" ] && kill -KILL -- "-$(cat "$RUN/chromium.pid")" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    local alive=""
    for g in $UI_PGID $CS_PGID; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break; sleep 0.5
  done
  for g in $UI_PGID $CS_PGID; do kill -KILL -- "-$g" 2>/dev/null; done
  [ "${E2E_KEEP:-0}" = 1 ] || rm -rf "$RUN/workspace" "$RUN/xdg-cache" "$RUN/rt"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
trap '' PIPE

# --- 3. build + package the extension from the repo ---------------------------------------------------
t=$(date +%s)
VSIX=$RUN/bpf-struct-ops.vsix
if [ -n "${E2E_VSIX:-}" ]; then
  cp "$E2E_VSIX" "$VSIX" && say "using E2E_VSIX=$E2E_VSIX (no build)"
else
  say "npm run package (log: $RUN/package.log)"
  if (cd "$REPO" && npm run package) > "$RUN/package.log" 2>&1 && cp "$REPO/bpf-struct-ops.vsix" "$VSIX"; then
    pre PASS "npm run package"
  else
    pre FAIL "npm run package" "see $RUN/package.log"; grep -E "ERROR|error" "$RUN/package.log" | head -10
    # If the build itself works, package with vsce directly (relative README links need a base URL
    # when the repository URL is not GitHub/GitLab) so that the UI checks still run.
    if (cd "$REPO" && npm run build) > "$RUN/build.log" 2>&1; then
      say "build ok; falling back to vsce package --baseContentUrl for the UI checks"
      (cd "$REPO" && node_modules/.bin/vsce package --no-dependencies --baseContentUrl https://example.invalid/ \
         --baseImagesUrl https://example.invalid/ -o "$VSIX") > "$RUN/vsce-fallback.log" 2>&1 ||
        { tail -5 "$RUN/vsce-fallback.log"; T_BUILD=$(( $(date +%s) - t )); finish; }
    else
      pre FAIL "npm run build" "see $RUN/build.log"; grep -E "ERROR" "$RUN/build.log" | head -10
      T_BUILD=$(( $(date +%s) - t )); finish
    fi
  fi
fi
T_BUILD=$(( $(date +%s) - t ))

# --- 4. install the .vsix into the fresh extensions dir ------------------------------------------------
t=$(date +%s)
CS_ARGS=(--user-data-dir "$RUN/user-data" --extensions-dir "$RUN/extensions")
if "$N24" "$CS_ENTRY" "${CS_ARGS[@]}" --install-extension "$VSIX" > "$RUN/install.log" 2>&1 &&
   ls -d "$RUN/extensions"/bpf-struct-ops.bpf-struct-ops-* >/dev/null 2>&1; then
  pre PASS "vsix installs into code-server"
else
  pre FAIL "vsix installs into code-server" "$(tail -3 "$RUN/install.log" | tr '\n' ' ')"; finish
fi
T_INSTALL=$(( $(date +%s) - t ))

# --- 5. code-server on a free port, in its own process group ----------------------------------------------
PORT=$("$N24" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
setsid "$N24" "$CS_ENTRY" "${CS_ARGS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry \
  --disable-update-check --disable-workspace-trust --disable-getting-started-override --ignore-last-opened \
  "$RUN/workspace" > "$RUN/code-server.log" 2>&1 < /dev/null &
CS_PGID=$(ps -o pgid= -p $! | tr -d ' '); [ -n "$CS_PGID" ] || CS_PGID=$!
echo "$CS_PGID" > "$RUN/cs.pgid"
say "code-server pid $! pgid $CS_PGID on 127.0.0.1:$PORT (run dir $RUN)"

# --- 6. the Playwright checks (own process group too; hard timeout) -----------------------------------------
t=$(date +%s)
export E2E_PORT=$PORT E2E_RUN=$RUN E2E_WORKSPACE=$RUN/workspace E2E_SHOTS=$SHOTS E2E_REPO=$REPO
export E2E_PLAYWRIGHT=$E2E_CACHE/tools/node_modules/playwright-core
setsid timeout -k 10 "${E2E_TIMEOUT:-420}" "$N24" "$HERE/e2e.js" "$RUN" < /dev/null &
UI_PID=$!; UI_PGID=$(ps -o pgid= -p $UI_PID | tr -d ' '); [ -n "$UI_PGID" ] || UI_PGID=$UI_PID
echo "$UI_PGID" > "$RUN/ui.pgid"
wait $UI_PID; rc=$?
T_UI=$(( $(date +%s) - t ))
[ -f "$RUN/summary.env" ] && . "$RUN/summary.env"   # written after every check, so partial on a timeout
if [ $rc = 124 ] || [ $rc = 137 ]; then pre FAIL "e2e.js" "timed out after ${E2E_TIMEOUT:-420}s (results so far counted)"
elif [ ! -f "$RUN/summary.env" ] || { [ $rc != 0 ] && [ "${E2E_FAILED:-0}" = 0 ]; }; then pre FAIL "e2e.js" "exited $rc"; fi
finish
