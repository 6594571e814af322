// Headless Chromium for the browser tests (puppeteer-core), started the
// same way by every test: no sandbox (tests may run as root), nothing
// fetched in the background, a fresh profile directory under $WORK.
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const profileDirs = new WeakMap();

// A started browser; end it with close(), which removes its profile.
async function launch() {
  const puppeteer = require('puppeteer-core');
  const profileDir = fs.mkdtempSync(
    path.join(process.env.WORK || os.tmpdir(), 'chrome-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
           '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync',
           '--user-data-dir=' + profileDir],
  });
  profileDirs.set(browser, profileDir);
  return browser;
}

async function close(browser) {
  await browser.close();
  fs.rmSync(profileDirs.get(browser), { recursive: true, force: true });
}

module.exports = { CHROMIUM, launch, close };
