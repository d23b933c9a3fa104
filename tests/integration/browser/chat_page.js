// Opens the web chat page (web/chat) twice in Debian's headless Chromium (playwright-core,
// installed by scripts/install-playwright.sh): each page logs in with its nick and channel,
// and they talk. Protocol with the caller, one JSON line each on stdout:
//   {"joined": true}      both pages are in the channel and see each other and WAIT_FOR
//                         (the caller then makes its other client speak: SAY_FROM's line)
//   {...result}           at the end: what each page showed, their errors, the screenshots
//   PLAYWRIGHT_CORE=... node chat_page.js URL CHANNEL OTHER_NICK OTHER_LINE SHOT_A.png SHOT_B.png
"use strict";

const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");

async function main() {
  const [url, channel, otherNick, otherLine, shotA, shotB] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
  const result = { errors: [], pages: {} };
  try {
    const nicks = ["alice_web", "bob_web"];
    const pages = [];
    for (const nick of nicks) {
      const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
      page.on("pageerror", (e) => result.errors.push(nick + " pageerror: " + e.message));
      page.on("console", (m) => { if (m.type() === "error") result.errors.push(nick + " console: " + m.text()); });
      await page.goto(url);
      await page.fill("#nick", nick);
      await page.fill("#channels", channel);
      await page.click("#connect");
      pages.push(page);
    }
    const members = (page) => page.evaluate(() => [...document.querySelectorAll("#members li")].map((li) => li.textContent.replace(/^[@+]+/, "")));
    const waitMembers = (page, wanted) => page.waitForFunction(
      (w) => { const m = [...document.querySelectorAll("#members li")].map((li) => li.textContent.replace(/^[@+]+/, "")); return w.every((n) => m.includes(n)); },
      wanted, { timeout: 30000 });
    for (const page of pages) await waitMembers(page, [...nicks, otherNick]);
    // Each page says something; each sees the other's line.
    for (let i = 0; i < pages.length; i++) {
      await pages[i].fill("#message", `hello from ${nicks[i]}`);
      await pages[i].press("#message", "Enter");
    }
    const waitText = (page, text) => page.waitForFunction(
      (t) => [...document.querySelectorAll("#log li")].some((li) => li.textContent.includes(t)), text, { timeout: 30000 });
    await waitText(pages[0], `hello from ${nicks[1]}`);
    await waitText(pages[1], `hello from ${nicks[0]}`);
    process.stdout.write(JSON.stringify({ joined: true }) + "\n");
    for (const page of pages) await waitText(page, otherLine);
    for (let i = 0; i < pages.length; i++) {
      result.pages[nicks[i]] = await pages[i].evaluate(() => ({
        status: document.getElementById("status").textContent,
        members: [...document.querySelectorAll("#members li")].map((li) => li.textContent),
        log: [...document.querySelectorAll("#log li")].map((li) => ({
          time: li.querySelector(".time") ? li.querySelector(".time").textContent : "",
          nick: li.querySelector(".nick") ? li.querySelector(".nick").textContent : "",
          text: li.textContent,
        })),
      }));
      result.pages[nicks[i]].members_bare = await members(pages[i]);
    }
    await pages[0].screenshot({ path: shotA, fullPage: true });
    await pages[1].screenshot({ path: shotB, fullPage: true });
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((e) => {
  process.stderr.write("chat_page.js: " + (e && e.stack || e) + "\n");
  process.exit(1);
});
