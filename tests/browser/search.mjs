#!/usr/bin/env node
// Search in a real browser: serves a built seckb site on 127.0.0.1 with the strict
// Content-Security-Policy that docs/src/publishing.md documents, opens `<lang>/search/` in
// Debian's Chromium (driven by playwright-core) for every language of the site, and checks that
//   - nothing of the index is fetched before the reader searches,
//   - an advisory is found by its id, its KB number (with and without `KB`), a prefix of
//     the KB number, a CVE id, and the longest word of its title (in English also that
//     word with an `s`, which only stemming finds), and a word that matches nothing says so,
//   - the header's search box on the home page leads to the results,
//   - no Content-Security-Policy violation and no page error happens,
// then saves screenshots of the search page with results at 1280 px and 375 px (and of the
// top of the home page, with the header's search box).
//
// usage: node tests/browser/search.mjs SITE_DIR [SCREENSHOT_DIR]
//   SCREENSHOT_DIR defaults to $SECKB_SCREENSHOTS, else no screenshots are saved.
//   playwright-core is taken from tests/browser/node_modules, NODE_PATH, or the
//   verifiers' install ($VERIFIERS_HOME, default /opt/verifiers); Chromium from
//   $CHROMIUM, default /usr/bin/chromium.
// exit: 0 all checks passed, 1 a check failed, 2 usage or browser error.
// Last line: "N passed, N failed".
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, resolve, sep } from 'node:path'

// The header docs/src/publishing.md tells site owners to send; the test fails on any
// violation of it.
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

const [siteArg, shotArg] = process.argv.slice(2)
if (!siteArg || siteArg === '-h' || siteArg === '--help') {
  console.error('usage: node tests/browser/search.mjs SITE_DIR [SCREENSHOT_DIR]')
  process.exit(2)
}
const site = resolve(siteArg)
const shots = shotArg || process.env.SECKB_SCREENSHOTS || ''
if (!existsSync(join(site, 'api/v1/index.json'))) {
  console.error(`search.mjs: ${site} is not a built seckb site (no api/v1/index.json)`)
  process.exit(2)
}

function loadPlaywright () {
  const here = new URL('.', import.meta.url).pathname
  const places = [join(here, 'package.json'), join(process.cwd(), 'package.json'),
    join(process.env.VERIFIERS_HOME || '/opt/verifiers', 'node/package.json')]
  for (const p of places) {
    try { return createRequire(p)('playwright-core') } catch { /* next place */ }
  }
  for (const dir of (process.env.NODE_PATH || '').split(':').filter(Boolean)) {
    try { return createRequire(join(dir, 'x.js'))('playwright-core') } catch { /* next */ }
  }
  throw new Error('playwright-core not found (install it, or set VERIFIERS_HOME or NODE_PATH)')
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.atom': 'application/atom+xml',
  '.txt': 'text/plain; charset=utf-8',
}

const requested = []
function serve () {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname)
    requested.push(path)
    let file = resolve(site, '.' + path)
    if (file !== site && !file.startsWith(site + sep)) {
      res.writeHead(403).end()
      return
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html')
      const body = readFileSync(file)
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      })
      res.end(body)
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found')
    }
  })
  return new Promise((resolveUrl) => {
    server.listen(0, '127.0.0.1', () => resolveUrl({ server, base: `http://127.0.0.1:${server.address().port}` }))
  })
}

// What to search for: 954474 where the site has it, else the first advisory with a KB
// number and a CVE id, else the first advisory.
const api = JSON.parse(readFileSync(join(site, 'api/v1/index.json'), 'utf8'))
const advisories = api.advisories
const target = advisories.find((a) => a.id === '954474') ||
  advisories.find((a) => a.kbs.length && a.cves.length) || advisories[0]
if (!target) {
  console.error('search.mjs: the site has no advisories to search for')
  process.exit(2)
}
const languages = Object.keys(target.urls.pages)
const queries = [target.id]
for (const kb of target.kbs.slice(0, 1)) queries.push(kb, `KB${kb}`, kb.slice(0, Math.max(4, kb.length - 2)))
for (const cve of target.cves.slice(0, 1)) queries.push(cve)

// A word of the title in the page's language, and for English an inflected form of it,
// which only stemming matches.
function queriesFor (lang) {
  const title = target.titles[lang] || Object.values(target.titles)[0] || ''
  const word = title.split(/[^\p{L}\p{N}]+/u).filter((w) => /^\p{L}{4,}$/u.test(w))
    .sort((a, b) => b.length - a.length)[0]
  const more = word ? [word.toLowerCase()] : []
  if (word && lang.startsWith('en')) more.push(`${word.toLowerCase()}s`)
  return [...new Set([...queries, ...more])]
}

let passed = 0
let failed = 0
function check (ok, what) {
  if (ok) {
    passed++
    console.log(`ok      ${what}`)
  } else {
    failed++
    console.log(`FAILED  ${what}`)
  }
}

let browser
let server
let code = 0
try {
  const { chromium } = loadPlaywright()
  const served = await serve()
  server = served.server
  const base = served.base
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })

  for (const lang of languages) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    // Only this machine's server is reachable; anything else would be a leak.
    await context.route('**/*', (route) =>
      new URL(route.request().url()).origin === base ? route.continue() : route.abort())
    const violations = []
    await context.exposeFunction('seckbTestViolation', (v) => violations.push(v))
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        window.seckbTestViolation(`${e.violatedDirective} ${e.blockedURI}`))
    })
    const page = await context.newPage()
    const errors = []
    page.on('pageerror', (e) => errors.push(String(e)))
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })

    const searchUrl = `${base}/${lang}/search/`
    const expected = `/${lang}/advisories/${target.id}/`
    requested.length = 0
    await page.goto(searchUrl, { waitUntil: 'networkidle' })
    check(!requested.some((p) => p.includes('/pagefind/')),
      `${lang}: the search page loads nothing of the index before a search`)
    check(await page.locator('#search-fallback').isHidden(),
      `${lang}: with JavaScript the no-JavaScript hint is hidden`)

    const results = page.locator('#search-results li')
    for (const q of queriesFor(lang)) {
      await page.fill('#search-q', q)
      await page.press('#search-q', 'Enter')
      let hrefs = []
      try {
        await page.waitForFunction(
          (want) => [...document.querySelectorAll('#search-results a')]
            .some((a) => new URL(a.href).pathname === want), expected, { timeout: 10000 })
      } catch { /* reported below */ }
      hrefs = await results.locator('a').evaluateAll((as) => as.map((a) => new URL(a.href).pathname))
      check(hrefs.includes(expected), `${lang}: "${q}" finds ${target.id} (${hrefs.length} result(s))`)
    }
    check(requested.some((p) => p.endsWith('/pagefind/pagefind-entry.json')),
      `${lang}: the index was loaded once the reader searched`)
    // Fetched once, by the module preload that checks its integrity; the import reuses it.
    check(requested.filter((p) => p === '/pagefind/pagefind.js').length === 1,
      `${lang}: the search library was fetched once, with its integrity hash`)

    await page.fill('#search-q', 'qqzzxxnotaword')
    await page.press('#search-q', 'Enter')
    try {
      await page.waitForFunction(() => document.querySelectorAll('#search-results li').length === 0 &&
        /qqzzxxnotaword/.test(document.getElementById('search-status').textContent), null, { timeout: 10000 })
    } catch { /* reported below */ }
    check((await results.count()) === 0 &&
      (await page.textContent('#search-status')).includes('qqzzxxnotaword'),
    `${lang}: a word that matches nothing shows the no-results message`)

    // An index in parts (the form's `data-parts`): every part's entry is fetched, and in the
    // first language every advisory is found by its id, wherever its part is.
    const parts = ((await page.getAttribute('#search', 'data-parts')) || '').split(' ').filter(Boolean)
    for (const part of parts) {
      const entry = new URL(`${part}pagefind-entry.json`, searchUrl).pathname
      check(requested.includes(entry), `${lang}: the index's part ${entry} was loaded`)
    }
    if (parts.length && lang === languages[0]) {
      const missing = []
      for (const a of advisories) {
        const want = `/${lang}/advisories/${a.id}/`
        await page.fill('#search-q', a.id)
        await page.press('#search-q', 'Enter')
        try {
          await page.waitForFunction(
            (w) => [...document.querySelectorAll('#search-results a')]
              .some((el) => new URL(el.href).pathname === w), want, { timeout: 5000 })
        } catch { missing.push(a.id) }
      }
      check(missing.length === 0, `${lang}: with the index in ${parts.length + 1} parts, each of ` +
        `the ${advisories.length} advisories is found by its id${missing.length ? `; not: ${missing.join(', ')}` : ''}`)
    }

    // The header's search box on the home page leads to the search page with results.
    await page.goto(`${base}/${lang}/`, { waitUntil: 'networkidle' })
    if (shots) {
      mkdirSync(shots, { recursive: true })
      await page.screenshot({ path: join(shots, `home-${lang}-desktop.png`) })
      await page.setViewportSize({ width: 375, height: 740 })
      await page.screenshot({ path: join(shots, `home-${lang}-phone.png`) })
      await page.setViewportSize({ width: 1280, height: 900 })
    }
    await page.fill('#site-search-q', target.kbs[0] || target.id)
    await Promise.all([page.waitForURL(/\/search\/\?q=/), page.press('#site-search-q', 'Enter')])
    let fromHeader = false
    try {
      await page.waitForFunction(
        (want) => [...document.querySelectorAll('#search-results a')]
          .some((a) => new URL(a.href).pathname === want), expected, { timeout: 10000 })
      fromHeader = true
    } catch { /* reported below */ }
    check(fromHeader, `${lang}: the header's search box leads to results`)

    if (shots) {
      mkdirSync(shots, { recursive: true })
      await page.screenshot({ path: join(shots, `search-${lang}-desktop.png`), fullPage: true })
      await page.setViewportSize({ width: 375, height: 740 })
      await page.waitForTimeout(100)
      await page.screenshot({ path: join(shots, `search-${lang}-phone.png`), fullPage: true })
    }

    check(violations.length === 0, `${lang}: no Content-Security-Policy violation ${violations.join('; ')}`)
    check(errors.length === 0, `${lang}: no page or console error ${errors.join('; ')}`)
    await context.close()
  }
  code = failed ? 1 : 0
} catch (e) {
  console.error(`search.mjs: ${e?.stack || e}`)
  code = 2
} finally {
  if (browser) await browser.close().catch(() => {})
  if (server) server.close()
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(code)
