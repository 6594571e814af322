// Screenshot of a flame graph page, for the docs (docs/FLAMEGRAPH.md):
//
//   NODE_PATH=build/browser/node_modules \
//     node tests/browser/screenshot.js PAGE.html OUT.png [FRAME [SEARCH]]
//
// FRAME: hover the first frame with that text (shows the tooltip);
// SEARCH: type it into the search box first.
'use strict';
const path = require('path');
const { launch } = require('./chrome.js');

(async () => {
  const [page_, out, frame, search] = process.argv.slice(2);
  const chrome = await launch();
  const browser = chrome.browser;
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
    await chrome.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
