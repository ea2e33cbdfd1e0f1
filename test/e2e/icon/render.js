// Renders icon.svg to media/icon.png (128x128, transparent corners) with headless chromium.
// Usage: bash test/e2e/setup.sh && /var/tmp/struct-ops-e2e/node24/node-v24.21.0/bin/node test/e2e/icon/render.js
// (any Node >= 18 works; needs playwright-core from the e2e cache and /usr/bin/chromium).
'use strict';
const fs = require('fs');
const path = require('path');
const cache = process.env.E2E_CACHE || '/var/tmp/struct-ops-e2e';
const { chromium } = require(process.env.E2E_PLAYWRIGHT || path.join(cache, 'tools/node_modules/playwright-core'));

(async () => {
  const svg = fs.readFileSync(path.join(__dirname, 'icon.svg'), 'utf8');
  const out = path.resolve(__dirname, '../../../media/icon.png');
  const browser = await chromium.launch({ executablePath: process.env.E2E_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: out, omitBackground: true });
    console.log('wrote', out, fs.statSync(out).size, 'bytes');
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
