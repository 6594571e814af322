// Drives pproftop's web UI in headless Chromium (puppeteer-core).
//
//   node webui.test.js BASE_URL EXPECT.json [SHOT_DIR]
//
// EXPECT holds what the shell case got from pproftop's text reports:
// the -top rows unfiltered and with a focus, the top function names.
// Checks: the top table (rows, click-to-sort by name and by cum), the
// filter form (typing a focus reloads the page with f= in the URL and
// the focused rows), the sample-type menu, the call graph's SVG, the
// flame graph with the navigation bar; no console error anywhere and
// no request to anything but BASE_URL's host and port. With SHOT_DIR,
// writes webui-graph.png and webui-top.png there. Exit 0 pass, 1 fail.
'use strict';
const fs = require('fs');
const path = require('path');
const { launch } = require('./chrome.js');

const [base, expectPath, shotDir] = process.argv.slice(2);
const ex = JSON.parse(fs.readFileSync(expectPath, 'utf8'));

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}
function same(a, b, what) {
  check(JSON.stringify(a) === JSON.stringify(b),
        `${what}:\n got  ${JSON.stringify(a)}\n want ${JSON.stringify(b)}`);
}

// The top table as "flat flat% sum% cum cum% name" lines.
async function rows(page) {
  return page.$$eval('#pfui-top tbody tr', (trs) => trs.map(
    (tr) => Array.from(tr.cells, (td) => td.textContent.trim()).join(' ')
      .split(/\s+/).join(' ')));
}

async function main() {
  const chrome = await launch(process.env.WORK);
  const browser = chrome.browser;
  const origin = new URL(base).origin;
  const errors = [], foreign = [];
  let nrequests = 0;
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      nrequests++;
      if (new URL(r.url()).origin !== origin) foreign.push(r.url());
    });

    // top: the rows pproftop -top prints
    await page.goto(base + '/ui/top', { waitUntil: 'load' });
    same(await rows(page), ex.top, '/ui/top rows');
    if (shotDir)
      await page.screenshot({ path: path.join(shotDir, 'webui-top.png') });
    // sort by name (ascending), then by cum (largest first)
    await page.click('#pfui-top th.pfui-name');
    const byName = await page.$$eval('#pfui-top tbody td.pfui-name a',
      (as) => as.map((a) => a.textContent));
    same(byName, [...byName].sort(), 'rows sorted by name');
    await page.click('#pfui-top th:nth-child(4)');
    const cums = await page.$$eval('#pfui-top tbody tr td:nth-child(4)',
      (tds) => tds.map((td) => Math.abs(+td.getAttribute('data-v'))));
    for (let i = 1; i < cums.length; i++)
      check(cums[i - 1] >= cums[i], 'rows not sorted by cum: ' + cums);
    check(cums.length === ex.top.length, 'sorting lost rows');

    // the filter form: a focus typed in the box, submitted with Enter
    await page.type('#pfui-nav input[name="f"]', ex.focus);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
                       page.keyboard.press('Enter')]);
    const u = new URL(page.url());
    same(u.pathname, '/ui/top', 'form target');
    same(u.searchParams.get('f'), ex.focus, 'focus in the URL');
    same(await rows(page), ex.focused, 'focused /ui/top rows');
    // the sample-type menu reloads with si=
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
                       page.select('#pfui-nav select[name="si"]', ex.other_type)]);
    same(new URL(page.url()).searchParams.get('si'), ex.other_type, 'si in the URL');
    same(await rows(page), ex.focused_other, 'rows of the other sample type');
    // the view menu keeps the options
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
                       page.click('#pfui-nav a[href^="/ui/peek"]')]);
    const peek = await page.$eval('#pfui-peek', (e) => e.textContent);
    same(peek, ex.peek, '/ui/peek text after following the view menu');

    // the call graph: an SVG with the hottest functions as nodes
    await page.goto(base + '/ui/', { waitUntil: 'load' });
    const texts = await page.$$eval('#pfui-graph svg g.node text',
      (ts) => ts.map((t) => t.textContent));
    check(texts.length > 0, 'no graph nodes in /ui/');
    for (const name of ex.graph_names)
      check(texts.includes(name), `graph has no node text ${name}: ${texts}`);
    if (shotDir)
      await page.screenshot({ path: path.join(shotDir, 'webui-graph.png') });

    // the flame graph page, with the navigation bar
    await page.goto(base + '/ui/flamegraph', { waitUntil: 'load' });
    await page.waitForSelector('body[data-fg-ready="1"]', { timeout: 10000 });
    check(await page.$('#pfui-nav a.pfui-cur[href^="/ui/flamegraph"]'),
          'flame graph page without the navigation bar');

    same(errors, [], 'console errors');
    same(foreign, [], 'requests leaving ' + origin);
    check(nrequests >= 6, 'too few requests seen: ' + nrequests);
  } finally {
    await chrome.close();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error('FAIL: ' + e.message);
  process.exit(1);
});
