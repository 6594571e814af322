// Drives a flame graph page in headless Chromium (puppeteer-core).
//
//   node flame.test.js CASE PAGE.html EXPECT.json
//
// CASE is page, types or diff; EXPECT holds the numbers the shell case
// got from go tool pprof / pproftop. Exit 0 pass, 1 fail, 77 skip (no
// chromium). Every case also asserts that the page logs no console
// error and makes no network request.
'use strict';
const fs = require('fs');
const path = require('path');
const { CHROMIUM, launch } = require('./chrome.js');
const [kind, pagePath, expectPath] = process.argv.slice(2);

function fail(msg) {
  console.error('FAIL: ' + msg);
  process.exitCode = 1;
  throw new Error(msg);
}
function check(cond, msg) { if (!cond) fail(msg); }
function near(a, b, tol, what) {
  check(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);
}

// Every frame as drawn: text, box, and its depth from the row.
async function frames(page) {
  return page.$$eval('#fg-chart .fg-frame', (es) => es.map((e) => {
    const r = e.getBoundingClientRect();
    return { i: +e.getAttribute('data-i'), name: e.textContent, x: r.left,
             w: r.width, y: r.top, anc: e.classList.contains('fg-anc'),
             hit: e.classList.contains('fg-hit'),
             bg: getComputedStyle(e).backgroundColor };
  }));
}
async function chartBox(page) {
  return page.$eval('#fg-chart', (e) => {
    const r = e.getBoundingClientRect();
    return { x: r.left, w: r.width, y: r.top, h: r.height };
  });
}

// Width of function NAME as the reports count cum: its frames that are
// not inside another frame of NAME (recursion counts once).
function drawnCum(fs_, name, icicle) {
  const own = fs_.filter((f) => f.name === name && !f.anc)
    .sort((a, b) => icicle ? a.y - b.y : b.y - a.y);
  const kept = [];
  let sum = 0;
  for (const f of own) {
    if (kept.some((k) => f.x >= k.x - 0.01 && f.x + f.w <= k.x + k.w + 0.01))
      continue;
    kept.push(f);
    sum += f.w;
  }
  return sum;
}

async function caseTop(page, ex) {
  let box = await chartBox(page), fs_ = await frames(page);
  const root = fs_.find((f) => f.name === 'root');
  check(root && Math.abs(root.w - box.w) < 1, 'root frame fills the width');
  // the hottest functions, widths as go tool pprof -top -cum's cum
  for (const r of ex.top) {
    const w = drawnCum(fs_, r.name, true);
    near(w / box.w * ex.total, r.cum, ex.total / 500, `cum of ${r.name}`);
  }
  // zoom into a frame below the top: it fills the width, its ancestors
  // stay drawn and the breadcrumb shows the path
  const target = fs_.filter((f) => f.name === ex.zoom).sort((a, b) => a.y - b.y)[0];
  check(target, `a frame of ${ex.zoom}`);
  const pathNames = fs_.filter((f) => f.y < target.y && f.x <= target.x + 0.01 &&
                               f.x + f.w >= target.x + target.w - 0.01)
    .sort((a, b) => a.y - b.y).map((f) => f.name).concat([ex.zoom]);
  await page.mouse.click(target.x + target.w / 2, target.y + 5);
  fs_ = await frames(page);
  const z = fs_.find((f) => f.i === target.i);
  check(z && Math.abs(z.w - box.w) < 1 && !z.anc, 'zoomed frame fills the width');
  const crumbs = await page.$$eval('#fg-crumbs .fg-crumb', (es) => es.map((e) => e.textContent));
  check(JSON.stringify(crumbs) === JSON.stringify(pathNames),
        `breadcrumb ${JSON.stringify(crumbs)} vs ${JSON.stringify(pathNames)}`);
  const anc = fs_.filter((f) => f.anc).sort((a, b) => a.y - b.y).map((f) => f.name);
  check(JSON.stringify(anc) === JSON.stringify(pathNames.slice(0, -1)),
        `ancestors drawn ${JSON.stringify(anc)}`);
  check(fs_.every((f) => f.y >= z.y || f.anc), 'only ancestors above the zoomed frame');
  // a breadcrumb click zooms out to that frame; reset to the root
  await page.click('#fg-reset');
  fs_ = await frames(page);
  check(!fs_.some((f) => f.anc), 'no ancestors after reset');
  check(JSON.stringify(await page.$$eval('#fg-crumbs .fg-crumb', (es) => es.map((e) => e.textContent))) === '["root"]',
        'breadcrumb is root after reset');
  near(drawnCum(fs_, ex.top[0].name, true) / box.w * ex.total, ex.top[0].cum,
       ex.total / 500, 'widths restored after reset');

  // search: highlights exactly the matching frames, and the share is
  // go tool pprof -focus's
  await page.type('#fg-search', ex.search);
  fs_ = await frames(page);
  const re = new RegExp(ex.search);
  check(fs_.some((f) => f.hit), 'some frame highlighted');
  for (const f of fs_)
    check(f.hit === (f.name !== 'root' && re.test(f.name)), `highlight of ${f.name}`);
  const mv = await page.$eval('#fg-match', (e) => [e.getAttribute('data-value'), e.getAttribute('data-pct'), e.textContent]);
  check(+mv[0] === ex.searchValue, `search value ${mv[0]} vs ${ex.searchValue}`);
  check(mv[1] === ex.searchPct, `search share ${mv[1]} vs ${ex.searchPct}`);
  check(mv[2].includes(ex.searchPct), `share shown: ${mv[2]}`);

  // orientation: flame puts the root at the bottom
  const before = fs_.find((f) => f.name === 'root').y;
  await page.click('#fg-orient');
  fs_ = await frames(page);
  const rootF = fs_.find((f) => f.name === 'root');
  check(rootF.y > before && fs_.every((f) => f.y <= rootF.y), 'root at the bottom in flame mode');
  check(await page.$eval('#fg-chart', (e) => e.getAttribute('data-orient')) === 'flame', 'orient attribute');
  near(drawnCum(fs_, ex.top[0].name, false) / box.w * ex.total, ex.top[0].cum,
       ex.total / 500, 'flame widths');
  await page.click('#fg-orient');
  fs_ = await frames(page);
  check(fs_.find((f) => f.name === 'root').y === before, 'icicle again');

  // the tooltip: name, cum and flat in pprof's units
  const hot = fs_.filter((f) => f.name === ex.top[0].name)[0];
  await page.mouse.move(hot.x + hot.w / 2, hot.y + 5);
  const tip = await page.$eval('#fg-tip', (e) => (e.hidden ? '' : e.textContent));
  check(tip.startsWith(ex.top[0].name + '\ncum: '), `tooltip: ${tip}`);
  check(tip.includes(ex.tipCum), `tooltip ${JSON.stringify(tip)} has ${ex.tipCum}`);
}

async function caseTypes(page, ex) {
  const box = await chartBox(page);
  for (const t of ex.types) {
    if (t.select !== undefined) await page.select('#fg-type', String(t.select));
    const fs_ = await frames(page);
    for (const r of t.top)
      near(drawnCum(fs_, r.name, true) / box.w * t.total, r.cum, t.total / 500,
           `${t.name}: cum of ${r.name}`);
    const info = await page.$eval('#fg-info', (e) => e.textContent);
    check(info.startsWith('Total ' + t.name + ':'), `info for ${t.name}: ${info}`);
  }
}

async function caseDiff(page, ex) {
  const fs_ = await frames(page);
  const rgb = (s) => s.match(/\d+/g).map(Number);
  for (const [name, want] of Object.entries(ex.colour)) {
    const f = fs_.find((g) => g.name === name);
    check(f, `frame ${name}`);
    const [r, , b] = rgb(f.bg);
    if (want === 'red') check(r > b + 60, `${name} is red: ${f.bg}`);
    else if (want === 'blue') check(b > r + 60, `${name} is blue: ${f.bg}`);
    else check(r === b, `${name} is grey: ${f.bg}`);
  }
  // intensity follows the relative change
  const lo = (n) => rgb(fs_.find((g) => g.name === n).bg)[1];
  check(lo(ex.stronger) < lo(ex.weaker), `${ex.stronger} more intense than ${ex.weaker}`);
  for (const [name, delta] of Object.entries(ex.delta)) {
    const f = fs_.find((g) => g.name === name);
    await page.mouse.move(f.x + f.w / 2, f.y + 5);
    const tip = await page.$eval('#fg-tip', (e) => e.textContent);
    check(tip.includes('\ndelta: ' + delta + ' ('), `tooltip of ${name} ${JSON.stringify(tip)} has delta ${delta}`);
    check(/\nbase: .*\nnew: /.test(tip), `tooltip of ${name} has base and new`);
  }
}

// Names that are markup, entities, quotes, non-ASCII, invalid UTF-8
// and a JS line separator are drawn as text, exactly (invalid bytes as
// U+FFFD); an injected element would also show as a console error or a
// network request, which every case asserts away.
async function caseEscape(page, ex) {
  const fs_ = await frames(page);
  const got = fs_.map((f) => f.name).filter((n) => n !== 'root').sort();
  const want = ex.names.slice().sort();
  check(JSON.stringify(got) === JSON.stringify(want),
        `frames ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
  check(await page.$$eval('img', (e) => e.length) === 0, 'no injected <img>');
  check(await page.title() === ex.title, `title ${await page.title()}`);
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`chromium not found at ${CHROMIUM} (Debian package chromium)`);
    process.exit(77);
  }
  const ex = JSON.parse(fs.readFileSync(expectPath, 'utf8'));
  const chrome = await launch(process.env.WORK);
  const browser = chrome.browser;
  const errors = [], requests = [];
  const url = 'file://' + path.resolve(pagePath);
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-fg-ready="1"]', { timeout: 10000 });
    if (kind === 'page') await caseTop(page, ex);
    else if (kind === 'types') await caseTypes(page, ex);
    else if (kind === 'diff') await caseDiff(page, ex);
    else if (kind === 'escape') await caseEscape(page, ex);
    else fail('unknown case ' + kind);
    check(errors.length === 0, 'console errors: ' + errors.join(' | '));
    check(requests.length === 0, 'network requests: ' + requests.join(' '));
    console.log(`ok ${kind}`);
  } catch (e) {
    if (!process.exitCode) { console.error(e); process.exitCode = 1; }
    if (errors.length) console.error('console errors: ' + errors.join(' | '));
    if (requests.length) console.error('requests: ' + requests.join(' '));
  } finally {
    await chrome.close();
  }
}
main();
