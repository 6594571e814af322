// Screenshot of a flame graph page, for the docs (docs/FLAMEGRAPH.md):
//
//   NODE_PATH=build/browser/node_modules \
//     node tests/browser/screenshot.js PAGE.html OUT.png [FRAME [SEARCH]]
//
// FRAME: hover the first frame with that text (shows the tooltip);
// SEARCH: type it into the search box first.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer-core');

(async () => {
  const [page_, out, frame, search] = process.argv.slice(2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-shot-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
           '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync',
           '--user-data-dir=' + dir],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 420 });
    await page.goto('file://' + path.resolve(page_), { waitUntil: 'load' });
    await page.waitForSelector('body[data-fg-ready="1"]');
    if (search) await page.type('#fg-search', search);
    if (frame) {
      const box = await page.evaluate((name) => {
        const e = [...document.querySelectorAll('.fg-frame')]
          .find((f) => f.textContent === name);
        const r = e.getBoundingClientRect();
        return { x: r.left + Math.min(r.width / 2, 40), y: r.top + 8 };
      }, frame);
      await page.mouse.move(box.x, box.y);
    }
    const h = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1100, height: Math.min(h, 900) } });
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
