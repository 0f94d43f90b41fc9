#!/usr/bin/env node
// Real-browser checks of a built seckb site and of `seckb serve`, in Debian's Chromium
// driven by playwright-core (installed by ../shared/verify/install-verifiers.sh).
//
// usage: node tests/browser/site.mjs <seckb-binary> <site-root> <screenshot-dir>
//   Builds nothing itself: it runs `<seckb-binary> --root <site-root> serve --port 0`,
//   which builds in memory, then checks through the browser that
//   - switching language on the 954474 page keeps the same advisory;
//   - a filter page (year, kind) lists only advisories that match what it states;
//   - editing an advisory file makes the open page reload with the new text;
//   and saves screenshots of the home and 954474 pages at 375 px and 1280 px.
// Exit 0 when every check passes, 1 otherwise. Only 127.0.0.1 is contacted.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'

const home = process.env.VERIFIERS_HOME || '/opt/verifiers'
const require = createRequire(join(home, 'node/package.json'))
const { chromium } = require('playwright-core')

const [bin, siteRoot, shots] = process.argv.slice(2)
if (!bin || !siteRoot || !shots) {
  console.error('usage: site.mjs <seckb-binary> <site-root> <screenshot-dir>')
  process.exit(2)
}
mkdirSync(shots, { recursive: true })

// Work on a copy: the serve check edits a file.
const root = mkdtempSync(join(tmpdir(), 'seckb-browser-'))
// Without the built site and the build output: with `.` as the site root the paths come as
// `target/...`, which a test for `/target` missed, and the copy took all of `target/`.
const skipped = new Set(['site', 'target', '.git'])
cpSync(siteRoot, root, { recursive: true, filter: (src) => !skipped.has(relative(siteRoot, src).split(sep)[0]) })

const server = spawn(bin, ['--root', root, 'serve', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
const base = await new Promise((resolve, reject) => {
  let buf = ''
  server.stderr.on('data', (d) => {
    buf += d
    const m = buf.match(/serving at (http:\/\/127\.0\.0\.1:\d+\/)/)
    if (m) resolve(m[1])
  })
  server.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${buf}`)))
  setTimeout(() => reject(new Error('serve did not start: ' + buf)), 60000)
})

let failed = 0
function check (ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
  if (!ok) failed++
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
try {
  const context = await browser.newContext()
  await context.route('**/*', (route) => route.request().url().startsWith(base) ? route.continue() : route.abort())
  // serve sends the Content-Security-Policy production servers are asked to send: pages,
  // live reload and the error overlay must all work under it.
  const violations = []
  await context.exposeFunction('seckbTestViolation', (v) => violations.push(v))
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.seckbTestViolation(`${e.violatedDirective} ${e.blockedURI}`))
  })
  const page = await context.newPage()

  // Language switching keeps the advisory.
  await page.goto(base + 'nl-NL/advisories/954474/')
  await page.click('nav.langs a[hreflang="de-DE"]')
  await page.waitForLoadState()
  check(page.url() === base + 'de-DE/advisories/954474/', `language switch keeps the advisory (${page.url()})`)
  check((await page.textContent('h1')).includes('954474'), 'the German page shows 954474')
  check((await page.textContent('.facts')).includes('Freitag, 13. Juni 2008'), 'the German page shows the German date')

  // A filter page lists only what it states.
  for (const [path, test] of [
    ['en-US/years/2008/', (t) => t.includes('2008')],
    ['en-US/kinds/advisory/', (t) => t.includes('Security Advisory')],
  ]) {
    await page.goto(base + path)
    const statement = await page.textContent('p.filter')
    const metas = await page.$$eval('ol.advisories .meta', (els) => els.map((e) => e.textContent))
    check(metas.length > 0 && metas.every(test), `${path} states "${statement.trim()}" and lists only matching advisories (${metas.length})`)
  }

  // Screenshots at phone and desktop widths.
  for (const [w, h] of [[375, 812], [1280, 900]]) {
    await page.setViewportSize({ width: w, height: h })
    for (const path of ['en-US/', 'nl-NL/advisories/954474/']) {
      await page.goto(base + path)
      const name = `${path.replaceAll('/', '_')}${w}.png`
      await page.screenshot({ path: join(shots, name), fullPage: true })
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      check(overflow <= 0, `${path} at ${w} px has no horizontal overflow (${overflow})`)
    }
  }

  // Serve reloads the open page after an advisory file changes.
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto(base + 'en-US/advisories/954474/')
  const file = join(root, 'advisories/954474/en-US.yaml')
  const before = readFileSync(file, 'utf8')
  const marker = 'Reloaded by the browser test'
  writeFileSync(file, before.replace(/^title: .*$/m, `title: ${marker}`))
  try {
    await page.waitForFunction((m) => document.querySelector('h1')?.textContent.includes(m), marker, { timeout: 20000 })
    check(true, 'serve reloaded the page after the file changed')
  } catch (e) {
    check(false, 'serve reloaded the page after the file changed: ' + e.message)
  }
  // A broken file shows the error overlay, and fixing it removes it.
  writeFileSync(file, before.replace(/^revision: /m, 'revison: '))
  try {
    await page.waitForSelector('#seckb-errors', { timeout: 20000 })
    const text = await page.textContent('#seckb-errors')
    check(text.includes('advisories/954474/en-US.yaml') && text.includes('unknown-field'), 'the error overlay names the file and the code')
    writeFileSync(file, before)
    await page.waitForSelector('#seckb-errors', { state: 'detached', timeout: 20000 })
    check(true, 'the overlay goes away once the file is fixed')
  } catch (e) {
    check(false, 'error overlay: ' + e.message)
  }
  check(violations.length === 0, 'no Content-Security-Policy violation under serve: ' + violations.join('; '))
} finally {
  await browser.close()
  server.kill()
  rmSync(root, { recursive: true, force: true })
}
console.log(`${failed === 0 ? 'all browser checks passed' : failed + ' browser check(s) failed'}`)
process.exit(failed === 0 ? 0 : 1)
