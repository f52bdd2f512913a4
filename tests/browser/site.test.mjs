// A real browser on the fixture site: Debian's Chromium, headless, through playwright-core. It serves SITE_DIR
// (default ../../target/browser-site) from a local server, opens the home page, follows links to the emptyDir
// page, types in the search box and checks the result, loads a page from file://, at a phone's width opens and
// closes the navigation menu, and checks the sidebar with and without scripts.
// Prints "N passed, N failed" and exits non-zero on any failure.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const siteDir = path.resolve(process.env.SITE_DIR || path.join(here, "../../target/browser-site"));
const types = { ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".md": "text/markdown" };

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
  const file = path.join(siteDir, url.endsWith("/") ? url + "index.html" : url);
  if (!file.startsWith(siteDir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404);
    res.end("not found");
    return;
  }
  res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
let passed = 0;
let failed = 0;
async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err.message}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const page = await browser.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));

await check("home page renders the guides", async () => {
  await page.goto(`${base}/index.html`);
  assert((await page.title()).includes("Kubernetes source walkthroughs"), `title was ${await page.title()}`);
  assert(await page.locator("article h2#guides").count() === 1, "no Guides heading");
});

await check("a link leads to the emptyDir page", async () => {
  await page.click("article a:has-text('Volume plugins')");
  await page.waitForURL(/volume_plugins\/index\.html$/);
  await page.click("article a:has-text('kubernetes.io/empty-dir')");
  await page.waitForURL(/volume_plugins\/emptydir\.html$/);
  const heading = await page.locator("article h1").innerText();
  assert(heading.includes("kubernetes.io/empty-dir"), `heading was ${heading}`);
  assert(await page.locator("article td:has-text('ed.setupTmpfs')").count() > 0, "the medium switch is missing");
});

await check("search finds the emptyDir plugin", async () => {
  await page.fill("#search", "empty-dir");
  const result = page.locator("#search-results a", { hasText: "kubernetes.io/empty-dir" });
  await result.first().waitFor({ timeout: 5000 });
  await result.first().click();
  await page.waitForURL(/volume_plugins\/emptydir\.html/);
});

await check("search finds a flag", async () => {
  await page.goto(`${base}/workqueue.html`);
  await page.fill("#search", "--workers");
  await page.locator("#search-results a", { hasText: "--workers" }).first().waitFor({ timeout: 5000 });
});

await check("the theme toggle switches to dark", async () => {
  await page.click("#theme");
  const theme = await page.evaluate(() => document.documentElement.getAttribute("data-theme"));
  assert(theme === "dark" || theme === "light", `theme was ${theme}`);
});

await check("search works from file://", async () => {
  const local = await browser.newPage();
  await local.goto("file://" + path.join(siteDir, "binaries/index.html"));
  await local.fill("#search", "kube-widget");
  await local.locator("#search-results a", { hasText: "kube-widget" }).first().waitFor({ timeout: 5000 });
  await local.close();
});

await check("at 1400 px the sidebar and the contents show, without a menu button", async () => {
  const wide = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  wide.on("pageerror", (e) => errors.push(e.message));
  await wide.goto(`${base}/workqueue.html`);
  assert(!(await wide.locator("#menu").isVisible()), "the menu button shows at 1400 px");
  assert(await wide.locator(".sidebar a", { hasText: "Volume plugins" }).first().isVisible(), "no sidebar");
  assert(await wide.locator(".toc a").first().isVisible(), "no table of contents");
  const [side, main, toc] = await Promise.all([".sidebar", "main", ".toc"].map((s) => wide.locator(s).boundingBox()));
  assert(side.x + side.width <= main.x + 1 && main.x + main.width <= toc.x + 1, "the columns overlap");
  await wide.close();
});

await check("at 400 px the menu button opens the navigation and Escape closes it", async () => {
  const phone = await browser.newPage({ viewport: { width: 400, height: 800 } });
  phone.on("pageerror", (e) => errors.push(e.message));
  await phone.goto(`${base}/workqueue.html`);
  const menu = phone.locator("#menu");
  const link = phone.locator(".sidebar a", { hasText: "Volume plugins" }).first();
  assert(await menu.isVisible(), "no menu button at 400 px");
  assert(!(await link.isVisible()), "the sidebar shows before the menu is opened");
  assert((await menu.getAttribute("aria-expanded")) === "false", "the menu starts expanded");
  // The search box has room for what is typed in it.
  const search = await phone.locator("#search").boundingBox();
  assert(search.width >= 300, `the search box is ${search.width} px wide`);
  // Opened from the keyboard: the button takes Enter, the drawer shows the page's contents and the site's links.
  await menu.focus();
  await phone.keyboard.press("Enter");
  assert((await menu.getAttribute("aria-expanded")) === "true", "Enter did not open the menu");
  await link.waitFor({ state: "visible", timeout: 5000 });
  assert(await phone.locator(".toc a").first().isVisible(), "the drawer has no contents of the page");
  const drawer = await phone.locator("#drawer").boundingBox();
  assert(drawer.x >= 0 && drawer.x + drawer.width <= 400, "the drawer does not fit the screen");
  await phone.keyboard.press("Escape");
  assert((await menu.getAttribute("aria-expanded")) === "false", "Escape did not close the menu");
  assert(!(await link.isVisible()), "the sidebar still shows after Escape");
  assert((await phone.evaluate(() => document.activeElement.id)) === "menu", "the focus did not go back to the button");
  // A click opens it again, and a link in it leads to its page.
  await menu.click();
  await link.click();
  await phone.waitForURL(/volume_plugins\/index\.html$/);
  assert(!(await phone.locator(".sidebar").isVisible()), "the menu is open on the next page");
  await phone.close();
});

await check("the sidebar marks the page shown and opens its section; without scripts it links to all pages", async () => {
  const wide = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  wide.on("pageerror", (e) => errors.push(e.message));
  await wide.goto(`${base}/volume_plugins/emptydir.html`);
  const current = wide.locator('.sidebar a[aria-current="page"]');
  assert((await current.count()) === 1, `${await current.count()} links marked as the page shown`);
  assert((await current.textContent()) === "kubernetes.io/empty-dir", `the page shown is marked as ${await current.textContent()}`);
  assert(await current.isVisible(), "the page's section of the sidebar is closed");
  assert((await wide.locator(".sidebar .all-pages").count()) === 0, "the sidebar keeps its no-script link");
  await wide.close();
  const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1400, height: 900 } });
  const bare = await plain.newPage();
  await bare.goto(`${base}/volume_plugins/emptydir.html`);
  const all = bare.locator(".sidebar a", { hasText: "All pages" });
  assert(await all.isVisible(), "no link to all pages without scripts");
  await all.click();
  await bare.waitForURL(/contents\.html$/);
  const listed = bare.locator("article a", { hasText: "kubernetes.io/empty-dir" });
  assert((await listed.count()) >= 1, "the page of all pages does not list the emptyDir page");
  await plain.close();
});

await check("no script errors", async () => {
  assert(errors.length === 0, errors.join("; "));
});

await browser.close();
server.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
