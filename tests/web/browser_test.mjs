// Browser tests of the web front, in Debian's chromium driven headless by
// puppeteer-core, against the live suite (browser_test.sh starts it with
// scripts/run.sh and imports the seed and two more notes).
//
// Pages are browsed with JavaScript OFF, as the issue asks them to work;
// axe-core runs on a second, script-enabled view of each page (evaluated
// through DevTools, which the page's CSP does not govern). Every page must
// load with no console error, no failed request and no error status.
// A screenshot of each page is kept in --artifacts.
//
//   node browser_test.mjs --url http://127.0.0.1:8088 --tls-dir DIR
//        --corpus-note FILE --artifacts DIR
import { createPrivateKey, sign } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) =>
    (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const base = args.url.replace(/\/$/, '');
const artifacts = args.artifacts;
mkdirSync(artifacts, { recursive: true });
const seed = JSON.parse(readFileSync(path.join(here, 'seed_participants.json'), 'utf8'));

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

// A bearer token as the sign-in proxy would pass it, signed with the
// suite's development key, which the gateway trusts.
function token(sub, role) {
  const key = createPrivateKey(readFileSync(path.join(args['tls-dir'], 'jwt-signing.key')));
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64({
    iss: 'outreach-dev', aud: 'outreach', sub, role, iat: now, exp: now + 600 })}`;
  const sig = sign('sha256', Buffer.from(unsigned), { key, dsaEncoding: 'ieee-p1363' });
  return `${unsigned}.${sig.toString('base64url')}`;
}

const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'],
});

// A page with scripts off that records what went wrong while it loaded.
async function openPage(headers = {}) {
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(false);
  await page.setViewport({ width: 1200, height: 900 });
  if (Object.keys(headers).length) await page.setExtraHTTPHeaders(headers);
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => page.problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) page.problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return page;
}

const accessibilityRules = ['label', 'select-name', 'image-alt', 'svg-img-alt',
  'heading-order', 'page-has-heading-one', 'document-title', 'html-has-lang',
  'empty-heading', 'link-name', 'button-name'];

// Checks the page just loaded: no problems, axe's rules, a screenshot.
async function visited(page, name, headers = {}) {
  check(page.problems.length === 0,
    `${name}: no console errors or failed requests ${page.problems.join('; ')}`);
  page.problems.length = 0;
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  const axePage = await browser.newPage();
  if (Object.keys(headers).length) await axePage.setExtraHTTPHeaders(headers);
  await axePage.goto(page.url(), { waitUntil: 'load' });
  await axePage.evaluate(axeSource);
  const result = await axePage.evaluate((rules) =>
    window.axe.run(document, { runOnly: { type: 'rule', values: rules } }), accessibilityRules);
  const violations = result.violations.map((v) =>
    `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  check(violations.length === 0, `${name}: axe finds no violation ${violations.join('; ')}`);
  await axePage.close();
}

const texts = (page, selector) => page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()));

try {
  const page = await openPage();

  // Events, with the seed and the two other notes.
  await page.goto(`${base}/`, { waitUntil: 'load' });
  check(await page.$$eval('script', (s) => s.length) === 0, 'the events page has no script');
  const titles = await texts(page, 'a.event-link');
  check(titles.length === 3, `three events are listed (${titles.length})`);
  const seedTitle = 'Regional Workshop on the Implementation of UNSC Resolution 1540 (2004)';
  check(titles.includes(seedTitle), "the seed's event is listed");
  await visited(page, 'events');

  // The filters, submitted as a form with scripts off.
  await page.type('#f-year', '2015');
  await Promise.all([page.waitForNavigation(), page.click('form.filters button')]);
  const in2015 = await texts(page, 'a.event-link');
  check(in2015.length === 1 && !in2015.includes(seedTitle),
    `the year filter leaves 2015's event only (${in2015.join(' | ')})`);
  await visited(page, 'events-2015');

  // The seed's note: its 36 participants in their printed order.
  await page.goto(`${base}/`, { waitUntil: 'load' });
  const [seedLink] = await page.$$('xpath/.//a[contains(@class, "event-link")][normalize-space(.)="' + seedTitle + '"]');
  await Promise.all([page.waitForNavigation(), seedLink.click()]);
  const printed = await page.$$eval('article.note tr:nth-child(4) td p', (ps) => ps.map((p) => {
    const label = p.querySelector('em')?.textContent.replace(/:$/, '') ?? '';
    const rest = p.textContent.slice(p.querySelector('em')?.textContent.length ?? 0);
    return { label, names: rest.split(',').map((s) => s.trim()).filter(Boolean) };
  }));
  const want = seed.groups.map((g) => `${g.label}: ${g.names.join(', ')}`).join(' / ');
  const got = printed.map((g) => `${g.label}: ${g.names.join(', ')}`).join(' / ');
  check(got === want, `the seed's 36 participants in printed order\n  want ${want}\n  got  ${got}`);
  const links = await page.$$eval('a.participant', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
  check(links.length >= 30, `resolved participants link to their profiles (${links.length})`);
  await visited(page, 'note');
  check(await page.$$eval('script', (s) => s.length) === 0, 'the note has no script');
  // Printed, the note is the note: no navigation, forms or outcomes list.
  await page.emulateMediaType('print');
  const hidden = await page.$$eval('header.site, section.screen-only',
    (els) => els.every((e) => getComputedStyle(e).display === 'none'));
  const shown = await page.$eval('article.note', (e) => getComputedStyle(e).display !== 'none');
  check(hidden && shown, 'the print stylesheet leaves the note alone on the page');
  await page.pdf({ path: path.join(artifacts, 'note.pdf'), format: 'A4' });
  await page.emulateMediaType('screen');

  // Moldova's profile, from its link in the note.
  const moldova = links.find(([name]) => name === 'Moldova');
  check(Boolean(moldova), 'Moldova links to its profile');
  await page.goto(`${base}${moldova[1]}`, { waitUntil: 'load' });
  check((await texts(page, 'h1'))[0].includes('Moldova'), 'the profile is Moldova\'s');
  const dots = await page.$$('svg#timeline circle.event-dot');
  const rows = await page.$$('main table tbody tr');
  check(dots.length >= 2 && dots.length === rows.length,
    `the timeline has a dot per event attended (${dots.length} dots, ${rows.length} rows)`);
  await visited(page, 'profile-moldova');
  await page.goto(`${base}/profile?entity=Moldova`, { waitUntil: 'load' });
  check(page.url().endsWith(moldova[1]), 'a printed name finds the same profile');

  // The dashboard: one bar per year, matching the records.
  const events = await (await fetch(`${base}/v1/events?page_size=1000`)).json();
  const perYear = {};
  for (const e of events.events) perYear[e.startDate.year] = (perYear[e.startDate.year] ?? 0) + 1;
  await page.goto(`${base}/dashboard`, { waitUntil: 'load' });
  const bars = await page.$$eval('svg#year rect.bar-year', (rs) =>
    rs.map((r) => [r.dataset.key, Number(r.dataset.count)]));
  check(JSON.stringify(Object.fromEntries(bars)) === JSON.stringify(perYear),
    `one bar per year, matching the records (${JSON.stringify(bars)} vs ${JSON.stringify(perYear)})`);
  // Outcomes: every visible one is in exactly one stack segment per area
  // it names (or under "no area"), by status.
  const segs = await page.$$eval('svg#areas rect.seg', (rs) =>
    rs.reduce((n, r) => n + Number(r.dataset.count), 0));
  const outcomes = (await (await fetch(`${base}/v1/dashboard`)).json()).outcomesByStatus ?? [];
  const visible = outcomes.reduce((n, c) => n + Number(c.count), 0);
  check(segs >= visible && visible > 0,
    `outcomes are stacked by area and status (${segs} in stacks, ${visible} outcomes)`);
  check((await page.$$('table.ranked tbody tr')).length >= 2, 'events per country are ranked');
  await visited(page, 'dashboard');

  // Import: paste, check the dry run, confirm.
  const note = readFileSync(args['corpus-note'], 'utf8');
  await page.goto(`${base}/import`, { waitUntil: 'load' });
  await visited(page, 'import');
  await page.$eval('#note-text', (el, v) => { el.value = v; }, note);
  await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
  const summary = await page.$eval('main > p', (p) => p.textContent);
  const lines = note.replace(/\n$/, '').split('\n').length;
  check(summary.includes(`${lines} of ${lines} lines accounted for`),
    `the dry run accounts for every line (${summary})`);
  check((await page.$$('table.participants tbody tr')).length > 0, 'the dry run lists the participants');
  check((await page.$$('table.lines tbody tr')).length === lines, 'the dry run shows every line');
  await visited(page, 'import-check');
  await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
  check(/\/events\/[^/?]+\?imported=1$/.test(page.url()), `confirming imports and shows the event (${page.url()})`);
  check((await texts(page, '.notice')).some((t) => t.startsWith('Imported')), 'the note says it was imported');
  await visited(page, 'imported-note');
  await page.goto(`${base}/`, { waitUntil: 'load' });
  check((await texts(page, 'a.event-link')).length === 4, 'the pasted note is now an event');

  // Outcomes: a lifecycle move by the editor.
  await page.goto(`${base}/outcomes?kind=RECOMMENDATION&status=PROPOSED`, { waitUntil: 'load' });
  const proposed = await page.$$('table.outcomes tbody tr');
  check(proposed.length > 0, `proposed recommendations are listed (${proposed.length})`);
  await visited(page, 'outcomes');
  if (proposed.length > 0) {
    await page.select('table.outcomes tbody tr:first-child select', 'ADOPTED');
    await Promise.all([page.waitForNavigation(),
      page.click('table.outcomes tbody tr:first-child button')]);
    check((await texts(page, '.notice')).some((t) => t.startsWith('Moved')), 'the move is confirmed');
    await page.goto(`${base}/outcomes?kind=RECOMMENDATION&status=PROPOSED`, { waitUntil: 'load' });
    check((await page.$$('table.outcomes tbody tr')).length === proposed.length - 1,
      'the moved outcome is no longer proposed');
  }

  // Confidential needs: a viewer sees none, a confidential reader sees them.
  const needsOf = async (headers) => {
    const p = await openPage(headers);
    await p.goto(`${base}/outcomes?kind=ASSISTANCE_NEED`, { waitUntil: 'load' });
    const n = (await p.$$('table.outcomes tbody tr')).length;
    const who = await p.$eval('.who', (e) => e.textContent);
    const problems = p.problems.slice();
    await p.close();
    return { n, who, problems };
  };
  const viewer = await needsOf({ Authorization: `Bearer ${token('vera', 'viewer')}` });
  const reader = await needsOf({ Authorization: `Bearer ${token('rita', 'confidential-reader')}` });
  check(viewer.who.includes('vera (viewer)'), `the proxy's token is the person (${viewer.who})`);
  check(reader.n > 0, `a confidential reader sees the unpublished needs (${reader.n})`);
  check(viewer.n === 0, `a viewer sees no confidential need (${viewer.n})`);
  const viewerPage = await openPage({ Authorization: `Bearer ${token('vera', 'viewer')}` });
  await viewerPage.goto(`${base}/outcomes`, { waitUntil: 'load' });
  check((await viewerPage.$$('form.transition')).length === 0, 'a viewer is offered no lifecycle form');
  await visited(viewerPage, 'outcomes-viewer', { Authorization: `Bearer ${token('vera', 'viewer')}` });
  await viewerPage.close();

  // A hostile note through the import form: a fast, clear refusal, and
  // the web front and the suite still serve.
  const form = await (await fetch(`${base}/import`)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(form)[1];
  for (const [what, bytes] of [
    ['invalid UTF-8', Buffer.concat([Buffer.from('Information Note\nEvent\t'), Buffer.from([0xff, 0xfe, 0xc3, 0x28])])],
    ['a megabyte of one character', Buffer.alloc(1 << 20, 'a')],
    ['binary', Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919) % 256))],
  ]) {
    const body = new FormData();
    body.append('csrf', csrf);
    body.append('file', new Blob([bytes]), 'note.txt');
    const started = Date.now();
    const res = await fetch(`${base}/import`, { method: 'POST', body });
    const took = Date.now() - started;
    check(res.status === 400 && took < 5000,
      `a note of ${what} is refused with 400 in ${took} ms (${res.status})`);
  }
  check((await fetch(`${base}/`)).status === 200, 'the web front still serves after hostile notes');

  // The JSON API beside the pages.
  const notFound = await fetch(`${base}/v1/events/no-such-event-00000000/note`);
  const body = await notFound.json();
  check(notFound.status === 404 && body.code === 5, `a missing event is 404 with a google.rpc.Status (${notFound.status})`);
  const bad = await fetch(`${base}/v1/events?filter=${encodeURIComponent('colour = "red"')}`);
  const badBody = await bad.json();
  check(bad.status === 400 && JSON.stringify(badBody).includes('fieldViolations'),
    `a bad filter is 400 with its field violations (${bad.status})`);
} catch (e) {
  console.error(e);
  failures++;
} finally {
  await browser.close();
}
console.log(failures === 0 ? 'all browser checks passed' : `${failures} browser checks failed`);
process.exit(failures === 0 ? 0 : 1);
