// Playwright checks against a real VS Code (code-server's web workbench) with the packaged
// extension installed. Started by test/e2e/run.sh, which owns code-server and passes:
//   E2E_PORT, E2E_RUN (run dir: user-data, logs), E2E_WORKSPACE, E2E_SHOTS, E2E_REPO, E2E_PLAYWRIGHT.
// Each check is a named PASS/FAIL with a screenshot under test-results/e2e/; SKIP = a feature that
// has not landed yet (not counted). Add a check with check(id, name, fn, {needs, timeout}).
// Synchronisation is always on UI state (status bar, tree rows, squiggles, hover text); the only
// fixed delays are short settles before screenshots.
'use strict';
const fs = require('fs');
const path = require('path');
const http = require('http');

const PORT = Number(process.env.E2E_PORT);
const RUN = process.env.E2E_RUN;
const WS = process.env.E2E_WORKSPACE;
const SHOTS = process.env.E2E_SHOTS;
const PLAYWRIGHT = process.env.E2E_PLAYWRIGHT || '/var/tmp/struct-ops-e2e/tools/node_modules/playwright-core';
const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const { chromium } = require(PLAYWRIGHT);

// What the fixture workspace (test/e2e/fixtures/workspace) must produce.
const EXPECT = {
  broken: {
    path: 'tcp_cc/broken_cc.bpf.c', // relative to the workspace
    file: 'broken_cc.bpf.c', // editor tab / quick open name
    map: 'broken_cc',
    description: /fails at load\b/, // full text: struct <type> · .struct_ops · fails at load -EOPNOTSUPP (LIB-12)
    check: 'LIB-12',
    message: 'Cannot find member',
    squiggleText: 'cong_limit', // the squiggle sits on `.cong_limit = ...` (the map's initialiser)
    squiggleLine: /^\s*\.cong_limit\s*=/,
    mapLine: /^SEC\("\.struct_ops"\)/, // the code lens sits above the map definition
    lens: /fails at load\b.*LIB-12/, // code lens text: ✗ fails at load: -EOPNOTSUPP (LIB-12) on <profile>
    member: '.ssthresh', // clicking it reveals the program behind it ...
    program: 'broken_ssthresh', // ... in this file
  },
  good: { path: 'tcp_cc/good_cc.bpf.c', file: 'good_cc.bpf.c', map: 'good_cc', description: /·\s*loads\s*$/, mapLine: /^SEC\("\.struct_ops"\)/, lens: /loads\b/ },
  ext: { publisherName: 'bpf-struct-ops.bpf-struct-ops', container: 'struct_ops', view: 'Maps & Programs', status: 'struct_ops' },
};

const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const oneLine = (s) => String(s ?? '').replace(/\s+/g, ' ').trim();

// ---------------------------------------------------------------------------------------------
// check registry
const checks = [];
/** fn(page) returns a detail string (PASS) or throws (FAIL); throw skip(reason) for SKIP. */
function check(id, name, fn, opts = {}) { checks.push({ id, name, fn, needs: opts.needs || [], timeout: opts.timeout || 60000 }); }
class Skip extends Error {}
const skip = (reason) => new Skip(reason);
const assert = (cond, msg) => { if (!cond) throw new Error(msg); };

// ---------------------------------------------------------------------------------------------
// workbench helpers
const quickInput = (page) => page.locator('.quick-input-widget input');

async function runCommand(page, label) {
  await page.keyboard.press('F1');
  const input = quickInput(page);
  await input.waitFor({ state: 'visible' });
  await input.fill('>' + label);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label });
  await row.first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = quickInput(page);
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 30000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 30000 });
}

const fixtureLines = (rel) => fs.readFileSync(path.join(WS, rel), 'utf8').split('\n');

/** Ctrl+G to the first line of the (open) fixture file matching `re` (squiggles render only in the viewport). */
async function gotoLine(page, rel, re) {
  const n = fixtureLines(rel).findIndex((l) => re.test(l)) + 1;
  assert(n > 0, `no line matching ${re} in ${rel}`);
  await page.keyboard.press('Control+G');
  const input = quickInput(page);
  await input.waitFor({ state: 'visible' });
  await input.fill(':' + n);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
  return n;
}

/** The code lens texts rendered in the active editor's viewport. */
async function codeLensTexts(page) {
  return (await page.locator('.editor-instance .monaco-editor .codelens-decoration').allInnerTexts()).map(oneLine);
}

/** Wait until a code lens in the viewport matches `re`; returns its text. */
async function waitCodeLens(page, re, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  let texts = [];
  do {
    texts = await codeLensTexts(page);
    const hit = texts.find((t) => re.test(t));
    if (hit) return hit;
    await sleep(250);
  } while (Date.now() < end);
  throw new Error(`no code lens matches ${re} (lenses: ${JSON.stringify(texts)})`);
}

function structOpsTab(page) {
  return page.locator('.activitybar').getByRole('tab', { name: new RegExp('^' + EXPECT.ext.container) }).first();
}

/** The "Maps & Programs" pane, opened and expanded. */
async function mapsPane(page) {
  const tab = structOpsTab(page);
  await tab.waitFor({ timeout: 30000 });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  // With a single view in the container the pane header is hidden (merged into the title).
  const header = page.locator('.pane-header', { hasText: EXPECT.ext.view }).first();
  await header.waitFor({ state: 'attached', timeout: 30000 });
  if ((await header.isVisible()) && (await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  if (!widened) {
    // widen the side bar so the descriptions are readable in the screenshots (best effort)
    widened = true;
    const side = await page.locator('.part.sidebar').boundingBox().catch(() => null);
    const sashes = page.locator('.monaco-sash.vertical');
    for (let i = 0, n = side ? await sashes.count() : 0; i < n; i++) {
      const box = await sashes.nth(i).boundingBox().catch(() => null);
      if (!box || box.height < 200 || Math.abs(box.x + box.width / 2 - (side.x + side.width)) > 8) continue;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + 320, box.y + box.height / 2, { steps: 8 });
      await page.mouse.up();
      await page.mouse.move(side.x + side.width + 600, side.y + side.height - 40); // off the sash (hover highlight)
      break;
    }
  }
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: EXPECT.ext.view }) }).first();
}
let widened = false;

/** A tree row whose label is exactly `label` (tree items with string tooltips get the tooltip as
 * accessible name, so match the visible label), optionally with a description matching `desc`. */
function treeRow(pane, label, desc) {
  const exact = new RegExp('^\\s*' + label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '\\s*$');
  let rows = pane.getByRole('treeitem').filter({ has: pane.page().locator('.label-name', { hasText: exact }) });
  if (desc) rows = rows.filter({ has: pane.page().locator('.label-description', { hasText: desc }) });
  return rows.first();
}

async function rowText(row) {
  const label = await row.locator('.label-name').first().innerText().catch(() => '');
  const desc = await row.locator('.label-description').first().innerText().catch(() => '');
  return { label: oneLine(label), desc: oneLine(desc) };
}

/** Hover the error squiggle on `text` (or each one in turn) until the hover shows `mustContain`; returns the hover text. */
async function hoverSqiggle(page, mustContain) {
  const squiggles = page.locator('.editor-instance .monaco-editor .squiggly-error');
  const n = await squiggles.count();
  let last = '';
  for (let i = 0; i < n; i++) {
    const box = await squiggles.nth(i).boundingBox();
    if (!box) continue;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2 + 1, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover:visible').first();
    try {
      await hover.waitFor({ state: 'visible', timeout: 8000 });
      const end = Date.now() + 4000; // hover parts render progressively
      do {
        last = oneLine(await hover.innerText().catch(() => ''));
        if (mustContain.every((s) => last.includes(s))) return { text: last, index: i, box };
        await sleep(200);
      } while (Date.now() < end);
    } catch { /* next squiggle */ }
    await page.mouse.move(5, 5);
    await sleep(300);
  }
  throw new Error(`no error squiggle hover contains ${JSON.stringify(mustContain)} (squiggles: ${n}, last hover: ${JSON.stringify(last.slice(0, 300))})`);
}

async function editorSelectionLine(page) {
  const sel = oneLine(await page.locator('#status\\.editor\\.selection').innerText().catch(() => ''));
  const m = /Ln (\d+)/.exec(sel);
  return m ? Number(m[1]) : undefined;
}

function installedManifest() {
  const dir = path.join(RUN, 'extensions');
  const ext = fs.readdirSync(dir).find((d) => d.startsWith(EXPECT.ext.publisherName + '-'));
  return ext ? JSON.parse(fs.readFileSync(path.join(dir, ext, 'package.json'), 'utf8')) : undefined;
}

function waitHttp(url, timeoutMs) {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const retry = () => (Date.now() > end ? reject(new Error('timeout waiting for ' + url)) : setTimeout(tick, 250));
    const tick = () => {
      const req = http.get(url, (res) => { res.resume(); if (res.statusCode && res.statusCode < 500) resolve(res.statusCode); else retry(); });
      req.on('error', retry);
      req.setTimeout(2000, () => req.destroy());
    };
    tick();
  });
}

// ---------------------------------------------------------------------------------------------
// the checks

check('a', 'workbench loads and the extension activates (status bar $(check) struct_ops)', async (page) => {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await page.getByRole('treeitem', { name: EXPECT.broken.path.split('/')[0] }).first().waitFor({ timeout: 60000 }); // file explorer shows the workspace
  // The status bar item reads "$(sync~spin) struct_ops" while indexing, "$(check) struct_ops" after
  // structOps/ready, "$(error) struct_ops" when the server stopped.
  const item = page.locator('.statusbar-item', { hasText: EXPECT.ext.status });
  const end = Date.now() + 210000; // generous: CI machines may be heavily loaded
  for (;;) {
    if (await item.filter({ has: page.locator('.codicon-check') }).count()) break;
    if (await item.filter({ has: page.locator('.codicon-error') }).count()) throw new Error('status bar shows $(error) struct_ops: the language server stopped');
    if (Date.now() > end) throw new Error(`status bar never showed $(check) struct_ops (items: ${JSON.stringify(oneLine(await page.locator('.statusbar').innerText()).slice(0, 300))})`);
    await sleep(250);
  }
  const tip = oneLine(await item.first().getAttribute('aria-label').catch(() => ''));
  return `ready after ${((Date.now() - t0) / 1000).toFixed(1)}s${tip ? ` (${tip})` : ''}`;
}, { timeout: 240000 });

check('b', 'struct_ops container: "Maps & Programs" shows broken_cc "fails at load" and good_cc "loads"', async (page) => {
  const pane = await mapsPane(page);
  const broken = treeRow(pane, EXPECT.broken.map);
  const good = treeRow(pane, EXPECT.good.map);
  await broken.waitFor({ timeout: 30000 });
  await good.waitFor({ timeout: 30000 });
  const b = await rowText(broken);
  const g = await rowText(good);
  assert(EXPECT.broken.description.test(b.desc), `${EXPECT.broken.map} description ${JSON.stringify(b.desc)} does not match ${EXPECT.broken.description}`);
  assert(EXPECT.good.description.test(g.desc), `${EXPECT.good.map} description ${JSON.stringify(g.desc)} does not match ${EXPECT.good.description}`);
  await sleep(300);
  return `${b.label}: ${b.desc} | ${g.label}: ${g.desc}`;
}, { needs: ['a'] });

check('c', `broken file: error squiggle whose hover shows ${EXPECT.broken.check} and "${EXPECT.broken.message}"`, async (page) => {
  await openFile(page, EXPECT.broken.file);
  const line = await gotoLine(page, EXPECT.broken.path, EXPECT.broken.squiggleLine);
  const squiggle = page.locator('.editor-instance .monaco-editor .squiggly-error');
  await squiggle.first().waitFor({ state: 'attached', timeout: 30000 });
  const { text } = await hoverSqiggle(page, [EXPECT.broken.check, EXPECT.broken.message]);
  await sleep(800); // hover fade-in before the screenshot
  return `line ${line}: squiggles=${await squiggle.count()} hover=${JSON.stringify(text.slice(0, 200))}`;
}, { needs: ['a'] });

check('c2', 'code lens above each map: broken_cc "fails at load ... (LIB-12)", good_cc "loads"', async (page) => {
  await openFile(page, EXPECT.broken.file);
  await gotoLine(page, EXPECT.broken.path, EXPECT.broken.mapLine);
  const broken = await waitCodeLens(page, EXPECT.broken.lens);
  await openFile(page, EXPECT.good.file);
  await gotoLine(page, EXPECT.good.path, EXPECT.good.mapLine);
  const good = await waitCodeLens(page, EXPECT.good.lens);
  await sleep(300);
  return `${EXPECT.broken.file}: ${JSON.stringify(broken)} | ${EXPECT.good.file}: ${JSON.stringify(good)}`;
}, { needs: ['a'] });

check('d', `Problems panel lists the ${EXPECT.broken.check} error for ${EXPECT.broken.file}`, async (page) => {
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Focus Problems');
  const file = page.locator('.markers-panel .monaco-list-row', { hasText: EXPECT.broken.file });
  await file.first().waitFor({ timeout: 30000 });
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: EXPECT.broken.message }).filter({ hasText: EXPECT.broken.check });
  await row.first().waitFor({ timeout: 30000 });
  const counter = oneLine(await page.locator('#status\\.problems').innerText().catch(() => ''));
  await sleep(300);
  return `${JSON.stringify(oneLine(await row.first().innerText()).slice(0, 200))}; status bar: ${JSON.stringify(counter)}`;
}, { needs: ['a'] });

check('d2', `Problems panel has nothing for the clean ${EXPECT.good.file}`, async (page) => {
  const panel = page.locator('.markers-panel');
  await panel.waitFor({ timeout: 10000 });
  const rows = panel.locator('.monaco-list-row', { hasText: EXPECT.good.file });
  const n = await rows.count();
  assert(n === 0, `${n} row(s) for ${EXPECT.good.file}: ${JSON.stringify(oneLine(await panel.innerText()).slice(0, 300))}`);
  return 'no rows';
}, { needs: ['d'] });

check('e', `clicking ${EXPECT.broken.map} → ${EXPECT.broken.member} in the explorer reveals ${EXPECT.broken.program} in the editor`, async (page) => {
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.tab.active').waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
  const pane = await mapsPane(page);
  // members of both maps are named .ssthresh: take the one wired to the broken map's program
  const member = treeRow(pane, EXPECT.broken.member, EXPECT.broken.program);
  await member.waitFor({ timeout: 30000 });
  await member.click();
  await page.locator('.tab.active', { hasText: EXPECT.broken.file }).waitFor({ timeout: 30000 });
  // Where did it land? Accept the program's lines (SEC(...) to its closing brace) or the member's own line.
  const lines = fixtureLines(EXPECT.broken.path);
  const ok = new Set();
  lines.forEach((l, i) => {
    if (l.includes(EXPECT.broken.program)) {
      ok.add(i + 1);
      if (l.startsWith('SEC(')) for (let j = i + 1; j < lines.length && !lines[j - 1].startsWith('}'); j++) ok.add(j + 1);
    }
  });
  let ln;
  const end = Date.now() + 10000;
  while (Date.now() < end && !ok.has((ln = await editorSelectionLine(page)))) await sleep(200);
  assert(ok.has(ln), `editor at Ln ${ln}, expected one of ${[...ok].join(',')}`);
  await sleep(300);
  return `${EXPECT.broken.file} Ln ${ln}: ${JSON.stringify(lines[ln - 1].trim())}`;
}, { needs: ['b'] });

// --- features that have not landed yet: SKIP until the manifest / server offers them ------------

check('f', 'simulation trace for the broken map opens (palette "Simulate/Trace" command, else its code lens)', async (page) => {
  const manifest = installedManifest();
  const cmd = (manifest?.contributes?.commands || []).find((c) => /simulat|trace/i.test(c.title));
  await openFile(page, EXPECT.broken.file);
  await gotoLine(page, EXPECT.broken.path, EXPECT.broken.mapLine);
  const tabsBefore = await page.locator('.tab').count();
  let how;
  if (cmd) {
    how = `palette "${cmd.category ? cmd.category + ': ' : ''}${cmd.title}"`;
    await runCommand(page, `${cmd.category ? cmd.category + ': ' : ''}${cmd.title}`);
  } else {
    await waitCodeLens(page, EXPECT.broken.lens);
    const lens = page.locator('.editor-instance .monaco-editor .codelens-decoration a', { hasText: EXPECT.broken.lens }).first();
    how = `code lens ${JSON.stringify(oneLine(await lens.innerText()))}`;
    await lens.click();
  }
  // a trace opens as a new editor (text document or webview) that mentions the failing member;
  // "command ... not found" = the client does not implement the lens command yet
  const notFound = page.locator('.notifications-toasts .notification-toast', { hasText: /command .* not found/i });
  const end = Date.now() + 30000;
  while (Date.now() < end && (await page.locator('.tab').count()) <= tabsBefore) {
    if (await notFound.count()) {
      const text = oneLine(await notFound.first().innerText());
      await runCommand(page, 'Notifications: Clear All Notifications').catch(() => {});
      throw skip(`${how}: ${text.slice(0, 120)} (client side not landed yet)`);
    }
    await sleep(250);
  }
  const active = oneLine(await page.locator('.tab.active').innerText().catch(() => ''));
  assert((await page.locator('.tab').count()) > tabsBefore, `${how}: no new editor opened (active tab: ${JSON.stringify(active)})`);
  await sleep(1000);
  const body = oneLine(await page.locator('.editor-instance').first().innerText().catch(() => ''));
  const frames = await Promise.all(page.frames().map((fr) => fr.locator('body').innerText().catch(() => '')));
  const text = body + ' ' + frames.join(' ');
  assert(text.includes(EXPECT.broken.squiggleText) || text.includes(EXPECT.broken.check), `trace ${JSON.stringify(active)} does not mention ${EXPECT.broken.squiggleText}/${EXPECT.broken.check}`);
  return `${how} opened ${JSON.stringify(active)}`;
}, { needs: ['c'] });

check('g', `quick fix offered on the ${EXPECT.broken.check} squiggle (Ctrl+.)`, async (page) => {
  await openFile(page, EXPECT.broken.file);
  await gotoLine(page, EXPECT.broken.path, EXPECT.broken.squiggleLine);
  const squiggle = page.locator('.editor-instance .monaco-editor .squiggly-error');
  await squiggle.first().waitFor({ state: 'attached', timeout: 30000 });
  const { box } = await hoverSqiggle(page, [EXPECT.broken.check]);
  await page.keyboard.press('Escape');
  await page.mouse.click(box.x + Math.min(4, box.width / 2), box.y + box.height / 2);
  await page.keyboard.press('Control+Period');
  const widget = page.locator('.action-widget .monaco-list-row, .action-widget .action-item');
  const none = page.locator('.monaco-editor-overlaymessage', { hasText: /No code actions/i });
  const end = Date.now() + 10000;
  while (Date.now() < end && !(await widget.count()) && !(await none.count())) await sleep(200);
  if (!(await widget.count())) throw skip('the server offers no code action on the squiggle yet');
  await sleep(500);
  const items = oneLine(await page.locator('.action-widget').first().innerText());
  await page.keyboard.press('Escape');
  return `actions: ${JSON.stringify(items.slice(0, 200))}`;
}, { needs: ['c'] });

// ---------------------------------------------------------------------------------------------

/** results.json + summary.env (read by run.sh); rewritten after every check so a timeout keeps them. */
function writeSummary(results) {
  const n = (v) => results.filter((r) => r.verdict === v).length;
  fs.writeFileSync(path.join(RUN, 'results.json'), JSON.stringify(results, null, 2));
  fs.writeFileSync(path.join(RUN, 'summary.env'), `E2E_PASSED=${n('PASS')}\nE2E_FAILED=${n('FAIL')}\n`);
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const results = [];
  let browser;
  let pageRef;
  const dumpLogs = () => {
    try {
      const out = require('child_process').execFileSync('find', [path.join(RUN, 'user-data', 'logs'), '-name', '*.log', '-path', '*exthost*'], { encoding: 'utf8' })
        .split('\n').filter((f) => /struct|^exthost\.log$/i.test(path.basename(f)) || /exthost\d*\/output_logging/.test(f) && /struct/i.test(f));
      for (const f of out) {
        const lines = fs.readFileSync(f, 'utf8').trimEnd().split('\n');
        console.log(`--- ${f} (last 25 of ${lines.length} lines)\n${lines.slice(-25).join('\n')}`);
      }
    } catch (e) { console.log('no extension host logs:', e.message); }
  };
  try {
    await waitHttp(`http://127.0.0.1:${PORT}/healthz`, 120000);
    log('code-server is up on port', PORT);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      env: process.env,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const proc = browser.process && browser.process();
    if (proc && proc.pid) fs.writeFileSync(path.join(RUN, 'chromium.pid'), String(proc.pid));
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30000);
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    pageRef = page;
    // generous timeouts: CI machines may be heavily loaded (the workbench is ~10 MB of JS)
    await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(WS)}`, { waitUntil: 'domcontentloaded', timeout: 120000 });

    const status = {};
    for (const [i, c] of checks.entries()) {
      const shot = path.join(SHOTS, `${String(i + 1).padStart(2, '0')}-${c.id}-${c.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50)}.png`);
      const blocked = c.needs.filter((n) => status[n] !== 'PASS' && status[n] !== 'SKIP');
      let verdict, detail;
      if (blocked.length) { verdict = 'FAIL'; detail = `not run: needs ${blocked.join(', ')}`; }
      else {
        try {
          detail = await Promise.race([c.fn(page), sleep(c.timeout).then(() => { throw new Error(`timed out after ${c.timeout / 1000}s`); })]);
          verdict = 'PASS';
        } catch (e) {
          if (e instanceof Skip) { verdict = 'SKIP'; detail = e.message; }
          else { verdict = 'FAIL'; detail = oneLine(e && e.message || e).slice(0, 600); }
        }
        if (verdict !== 'SKIP') await page.screenshot({ path: shot }).catch((e) => log('screenshot failed:', e.message));
      }
      status[c.id] = verdict;
      results.push({ id: c.id, name: c.name, verdict, detail, shot: verdict === 'SKIP' || blocked.length ? undefined : shot });
      log(`${verdict} (${c.id}) ${c.name}${detail ? ' -- ' + detail : ''}`);
      writeSummary(results);
      if (verdict === 'FAIL' && !blocked.length) await page.keyboard.press('Escape').catch(() => {});
    }
    if (consoleErrors.length) log(`browser console errors: ${consoleErrors.length} (first: ${oneLine(consoleErrors[0]).slice(0, 200)})`);
  } catch (e) {
    const shot = path.join(SHOTS, '00-setup-FAIL.png');
    const shotOk = pageRef ? await pageRef.screenshot({ path: shot }).then(() => true, () => false) : false;
    results.push({ id: 'setup', name: 'open the workbench', verdict: 'FAIL', detail: oneLine(e && e.stack || e), shot: shotOk ? shot : undefined });
    log('FAIL (setup)', e && e.stack || e);
  } finally {
    if (browser) await browser.close().catch(() => {});
  }
  const passed = results.filter((r) => r.verdict === 'PASS').length;
  const failed = results.filter((r) => r.verdict === 'FAIL').length;
  if (failed) dumpLogs();
  console.log('screenshots:');
  for (const r of results) if (r.shot) console.log(`  ${r.verdict} ${path.relative(process.env.E2E_REPO || '.', r.shot)}`);
  writeSummary(results);
  console.log(`ui checks: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
