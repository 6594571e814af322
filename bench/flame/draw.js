// Time until headless Chromium has loaded and drawn a flame graph page:
// from navigation to the first paint after the page's script has built
// the frames (the body's data-fg-ready attribute), median of RUNS loads.
//
//   NODE_PATH=$O/browser/node_modules node bench/flame/draw.js PAGE [RUNS]
'use strict';
const path = require('path');
const { launch } = require('../../tests/browser/chrome.js');

(async () => {
  const [file, runsArg] = process.argv.slice(2);
  const runs = +(runsArg || 3);
  const chrome = await launch();
  const browser = chrome.browser;
  const times = [];
  let frames = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1200, height: 900 });
      const t0 = Date.now();
      await page.goto('file://' + path.resolve(file), { waitUntil: 'domcontentloaded', timeout: 120000 });
      await page.waitForSelector('body[data-fg-ready="1"]', { timeout: 120000 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
      times.push(Date.now() - t0);
      frames = await page.$$eval('.fg-frame', (e) => e.length);
      await page.close();
    }
  } finally {
    await chrome.close();
  }
  times.sort((a, b) => a - b);
  console.log(`drawn in ${times[runs >> 1]} ms (median of ${runs}; all: ${times.join(' ')}), ${frames} frame elements`);
})().catch((e) => { console.error(e); process.exit(1); });
