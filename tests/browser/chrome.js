// Headless Chromium for the flame graph tests, screenshots and bench:
// Debian's /usr/bin/chromium ($CHROMIUM overrides) through
// puppeteer-core, with a fresh profile directory under DIR (default
// the system temp directory) that close() removes.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

async function launch(dir) {
  const puppeteer = require('puppeteer-core');
  const profile = fs.mkdtempSync(path.join(dir || os.tmpdir(), 'chrome-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
           '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync',
           '--user-data-dir=' + profile],
  });
  return {
    browser,
    async close() {
      await browser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

module.exports = { CHROMIUM, launch };
