// Opens the status page in Debian's headless Chromium (playwright-core, installed by
// scripts/install-playwright.sh), waits until its charts are drawn and it has refreshed once
// more, and prints one JSON line of what it shows: the figures table, each chart's lines
// with their number of points and latest values, every URL it requested, and the page's
// errors (a script error or a Content-Security-Policy violation reaches the console).
//   PLAYWRIGHT_CORE=.../node_modules/playwright-core node status_page.js URL SCREENSHOT.png
"use strict";

const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");

async function main() {
  const [url, screenshot] = process.argv.slice(2);
  const started = Date.now();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
  const result = { requests: [], errors: [] };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("request", (r) => result.requests.push(r.url()));
    page.on("response", (r) => { if (r.status() >= 400) result.errors.push(`HTTP ${r.status()}: ${r.url()}`); });
    page.on("pageerror", (e) => result.errors.push("pageerror: " + e.message));
    page.on("console", (m) => { if (m.type() === "error") result.errors.push("console: " + m.text()); });
    result.launch_ms = Date.now() - started;
    const response = await page.goto(url);
    result.status = response.status();
    result.csp = response.headers()["content-security-policy"] || "";
    // Drawn: the connections chart has a line with at least two points.
    await page.waitForFunction(() => {
      const line = document.querySelector('polyline[data-series="connections"]');
      return line && Number(line.dataset.points) >= 2;
    }, null, { timeout: 20000 });
    // Then one more refresh, begun after the caller's quiet moment.
    const seen = await page.evaluate(() => Number(document.body.dataset.refreshes || 0));
    await page.waitForFunction((n) => Number(document.body.dataset.refreshes || 0) > n, seen, { timeout: 20000 });
    Object.assign(result, await page.evaluate(() => ({
      table: Object.fromEntries([...document.querySelectorAll("#figures tr")].map(
        (tr) => [tr.dataset.key, tr.querySelector("td.value").dataset.value])),
      charts: [...document.querySelectorAll("#charts figure")].map((f) => ({
        title: f.dataset.chart,
        lines: [...f.querySelectorAll("polyline")].map((p) => ({ series: p.dataset.series, points: Number(p.dataset.points) })),
      })),
      latest: Object.fromEntries([...document.querySelectorAll(".legend span")].map((s) => [s.dataset.series, s.dataset.value])),
      accepting: document.getElementById("accepting").textContent,
      updated: document.getElementById("updated").textContent,
    })));
    await page.screenshot({ path: screenshot, fullPage: true });
  } finally {
    await browser.close();
  }
  result.total_ms = Date.now() - started;
  process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((e) => {
  process.stderr.write("status_page.js: " + (e && e.stack || e) + "\n");
  process.exit(1);
});
