// The web workbench's flows in a real browser, once in German and once in English: login,
// overview, customer list (filter, sort, search, paging, URL state), customer page, keyboard,
// language switch, logout; plus the list and the customer page at a phone's width.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  TEXTS,
  PHONE,
  USERS,
  newContext,
  logIn,
  shot,
  assertNoProblems,
  assertNoSidewaysScroll,
  amount,
  query,
  withShots,
  labelUser,
  labelPassword,
} from "./lib.mjs";

/** The cells of column `id` (the list's URL id of a column) on the list page. */
async function columnTexts(page, id) {
  const headers = await page.locator("table[data-rows] thead th").evaluateAll((ths) =>
    ths.map((th) => new URL(th.querySelector("a").href).searchParams.get("sort")),
  );
  const index = headers.indexOf(id);
  assert.ok(index >= 0, `the list shows the column ${id} (it shows ${headers.join(", ")})`);
  return page
    .locator(`table[data-rows] tbody tr td:nth-child(${index + 1})`)
    .evaluateAll((tds) => tds.map((td) => td.textContent.trim()));
}

/** The customer numbers of the rows shown. */
function numbers(page) {
  return page
    .locator("table[data-rows] tbody tr td:first-child a")
    .evaluateAll((as) => as.map((a) => a.textContent.trim()));
}

function header(page, id) {
  return page.locator(`table[data-rows] thead th:has(a[href*="sort=${id}&"]), table[data-rows] thead th:has(a[href$="sort=${id}"])`);
}

for (const lang of ["de", "en"]) {
  const T = TEXTS[lang];

  describe(`workbench (${lang})`, () => {
    let context;
    let page;

    before(async () => {
      context = await newContext(lang);
    });
    after(async () => {
      await context?.close();
    });

    it("refuses a wrong password with the message, then lands on the overview", async () => {
      await withShots(context, `${lang}-login`, async () => {
        page = await context.newPage();
        await page.goto("/customers");
        // Not signed in: the login page, which remembers where the reader wanted to go.
        assert.equal(new URL(page.url()).pathname, "/login");
        assert.equal(await page.locator("html").getAttribute("lang"), lang);
        await page.getByLabel(labelUser(lang)).fill(USERS.admin);
        await page.getByLabel(labelPassword(lang)).fill("not the password");
        await page.getByRole("button", { name: T.loginTitle, exact: true }).click();
        await page.waitForLoadState();
        await assert.doesNotReject(
          page.getByRole("alert").filter({ hasText: T.loginFailed }).waitFor(),
        );
        // The name typed stays; the password does not.
        assert.equal(await page.getByLabel(labelUser(lang)).inputValue(), USERS.admin);
        assert.equal(await page.getByLabel(labelPassword(lang)).inputValue(), "");
        await shot(page, `${lang}-login-failed`);
        await page.close();

        page = await logIn(context, lang);
        await assert.doesNotReject(
          page.getByRole("heading", { level: 1, name: T.overview }).waitFor(),
        );
        assertNoProblems(context);
      });
    });

    it("shows the overview's four charts, each an image with a title", async () => {
      await withShots(context, `${lang}-overview`, async () => {
        await page.goto("/");
        const charts = page.locator("section.chart svg[role=img]");
        assert.equal(await charts.count(), 4);
        for (const svg of await charts.all()) {
          const title = (await svg.locator("title").first().textContent()).trim();
          assert.ok(title.length > 0, "the chart has a title");
          // aria-labelledby names the title and the description that exist.
          const ids = (await svg.getAttribute("aria-labelledby")).split(/\s+/);
          for (const id of ids) {
            assert.equal(await page.locator(`[id="${id}"]`).count(), 1, `#${id} exists`);
          }
          const box = await svg.boundingBox();
          assert.ok(box.width > 250 && box.height > 120, `the chart "${title}" is readable (${box.width}×${box.height})`);
        }
        await assertNoSidewaysScroll(page);
        await shot(page, `${lang}-overview`);
        assertNoProblems(context);
      });
    });

    it("filters the list by type, sorts by a column, and keeps both in the URL", async () => {
      await withShots(context, `${lang}-list`, async () => {
        await page.getByRole("link", { name: T.customers, exact: true }).first().click();
        await page.waitForURL((u) => u.pathname === "/customers");
        // The type filter applies on change (app.js submits the form).
        await Promise.all([
          page.waitForURL((u) => u.searchParams.get("type") === "growth"),
          page.locator("select[name=type]").selectOption("growth"),
        ]);
        const types = await columnTexts(page, "type");
        assert.ok(types.length > 0, "growth customers are listed");
        assert.deepEqual([...new Set(types)], [T.growth]);

        // Sort by future value (the list starts sorted by current value): a figure sorts
        // largest first, a second click turns it. Customers without a forecast (`–`) are left
        // out of the order check.
        const th = header(page, "future_value");
        assert.equal(await th.getAttribute("aria-sort"), "none");
        await Promise.all([
          page.waitForURL((u) => u.searchParams.get("sort") === "future_value"),
          th.locator("a").click(),
        ]);
        assert.equal(await header(page, "future_value").getAttribute("aria-sort"), "descending");
        assert.equal(await header(page, "current_value").getAttribute("aria-sort"), "none");
        let values = (await columnTexts(page, "future_value")).map(amount).filter((v) => v !== null);
        assert.ok(values.length > 10);
        assert.deepEqual(values, [...values].sort((a, b) => b - a), "largest first");
        await Promise.all([
          page.waitForURL((u) => u.searchParams.get("dir") === "asc"),
          header(page, "future_value").locator("a").click(),
        ]);
        assert.equal(await header(page, "future_value").getAttribute("aria-sort"), "ascending");
        values = (await columnTexts(page, "future_value")).map(amount).filter((v) => v !== null);
        assert.deepEqual(values, [...values].sort((a, b) => a - b), "smallest first");
        // The filter survived the sort.
        assert.equal(query(page).type, "growth");
        await assertNoSidewaysScroll(page);
        await shot(page, `${lang}-list-growth-sorted`);

        // The URL is the state: opened anew, it shows the same page.
        const shown = await numbers(page);
        const again = await context.newPage();
        await again.goto(page.url());
        assert.deepEqual(await numbers(again), shown);
        await again.close();
        assertNoProblems(context);
      });
    });

    it("pages forward and back to the first page with the state kept", async () => {
      await withShots(context, `${lang}-paging`, async () => {
        await page.goto("/customers?sort=number&dir=asc");
        const first = await numbers(page);
        assert.equal(first.length, 50, "a full first page");
        await Promise.all([
          page.waitForURL((u) => u.searchParams.has("after")),
          page.getByRole("link", { name: T.next }).click(),
        ]);
        const second = await numbers(page);
        assert.ok(second.length > 0);
        const after = first.at(-1).localeCompare(second[0], "en", { numeric: true });
        assert.ok(after < 0, `page 2 continues after page 1 (${first.at(-1)} < ${second[0]})`);
        assert.equal(query(page).sort, "number");
        assert.equal(query(page).dir, "asc");
        await shot(page, `${lang}-list-page2`);
        await Promise.all([
          page.waitForURL((u) => !u.searchParams.has("after")),
          page.getByRole("link", { name: T.first }).click(),
        ]);
        assert.deepEqual(await numbers(page), first);
        assert.equal(query(page).sort, "number");
        assertNoProblems(context);
      });
    });

    it("searches with `/` and the search field, and shows what matches", async () => {
      await withShots(context, `${lang}-search`, async () => {
        await page.goto("/customers?sort=number&dir=asc");
        const wanted = (await numbers(page))[7];
        // `/` focuses the search field (app.js), from anywhere on the page.
        await page.locator("h1").click();
        await page.keyboard.press("/");
        const search = page.locator("input[name=q]");
        assert.equal(await search.evaluate((el) => el === document.activeElement), true, "/ focuses the search");
        await page.keyboard.type(wanted);
        await Promise.all([
          page.waitForURL((u) => u.searchParams.get("q") === wanted),
          page.keyboard.press("Enter"),
        ]);
        const found = await numbers(page);
        assert.ok(found.includes(wanted), `${wanted} is found (${found.join(", ")})`);
        assert.ok(found.every((n) => n.includes(wanted)), "only matches are shown");
        assert.equal(await page.locator("input[name=q]").inputValue(), wanted);
        await shot(page, `${lang}-list-search`);

        // Arrow keys select a row, Enter opens it.
        await page.locator("h1").click();
        await page.keyboard.press("ArrowDown");
        assert.equal(await page.locator("tbody tr.selected").count(), 1);
        await Promise.all([
          page.waitForURL((u) => u.pathname.startsWith("/customers/")),
          page.keyboard.press("Enter"),
        ]);
        assertNoProblems(context);
      });
    });

    it("opens a customer: reason, chart, key figures, previous and next", async () => {
      await withShots(context, `${lang}-customer`, async () => {
        await page.goto("/customers?type=growth&sort=future_value");
        const listed = await numbers(page);
        await Promise.all([
          page.waitForURL((u) => u.pathname === `/customers/${listed[1]}`),
          page.locator("table[data-rows] tbody tr").nth(1).locator("a").first().click(),
        ]);
        const h1 = await page.locator("h1").textContent();
        assert.ok(h1.includes(listed[1]), `the heading names the customer (${h1})`);
        const why = page.locator("section[aria-labelledby=why]");
        assert.ok((await why.locator("h2").textContent()).startsWith(T.why));
        const reason = (await why.locator("p").textContent()).trim();
        assert.ok(reason.length > 20, `a reason is given (${reason})`);
        const chart = page.locator("section.chart svg[role=img]");
        assert.equal(await chart.count(), 1);
        assert.ok((await chart.locator("title").first().textContent()).trim().length > 0);
        assert.ok((await chart.boundingBox()).width > 300);
        assert.equal(await page.locator("dl.figures dt").count(), await page.locator("dl.figures dd").count());
        assert.ok((await page.locator("dl.figures dd").count()) >= 10, "the key figures");
        const figures = await page.locator("dl.figures dd").allTextContents();
        assert.ok(!figures.some((f) => /[a-z]_[a-z]/.test(f)), `no internal ids for readers (${figures.join(" | ")})`);
        // The newest invoice lines (their index is built after the demo's import: a moment).
        for (let i = 0; i < 40 && (await page.locator("table.lines").count()) === 0; i++) {
          await page.waitForTimeout(250);
          await page.reload();
        }
        assert.equal((await page.locator("#lines").textContent()).trim(), T.invoiceLines);
        const lines = page.locator("table.lines tbody tr");
        assert.ok((await lines.count()) >= 1, "the customer's invoice lines");
        const dates = await lines.locator("td:first-child").allTextContents();
        const iso = (d) => (lang === "de" ? d.split(".").reverse().join("-") : d);
        assert.deepEqual(dates.map(iso), [...dates.map(iso)].sort().reverse(), "newest first");
        await assertNoSidewaysScroll(page);
        await shot(page, `${lang}-customer`);

        // Previous and next walk the list it was opened from.
        await Promise.all([
          page.waitForURL((u) => u.pathname === `/customers/${listed[2]}`),
          page.getByRole("link", { name: T.nextCustomer, exact: true }).click(),
        ]);
        await Promise.all([
          page.waitForURL((u) => u.pathname === `/customers/${listed[1]}`),
          page.getByRole("link", { name: T.previousCustomer, exact: true }).click(),
        ]);
        await Promise.all([
          page.waitForURL((u) => u.pathname === `/customers/${listed[0]}`),
          page.getByRole("link", { name: T.previousCustomer, exact: true }).click(),
        ]);
        assert.equal(await page.getByRole("link", { name: T.previousCustomer, exact: true }).count(), 0, "the first has no previous");
        // Back to the list with its state.
        await Promise.all([
          page.waitForURL((u) => u.pathname === "/customers"),
          page.getByRole("link", { name: T.backToList }).click(),
        ]);
        assert.equal(query(page).type, "growth");
        assert.equal(query(page).sort, "future_value");
        assertNoProblems(context);
      });
    });

    it("shows where the keyboard focus is", async () => {
      await withShots(context, `${lang}-focus`, async () => {
        await page.goto("/customers");
        await page.keyboard.press("Tab");
        // The first stop is the skip link, which then becomes visible.
        const skip = page.locator("a.skip");
        assert.equal(await skip.evaluate((el) => el === document.activeElement), true);
        const box = await skip.boundingBox();
        assert.ok(box && box.y >= 0 && box.x >= 0 && box.width > 20, "the skip link shows when focused");
        // Every later stop has a visible outline.
        for (let i = 0; i < 20; i++) {
          await page.keyboard.press("Tab");
          const outline = await page.evaluate(() => {
            const s = getComputedStyle(document.activeElement);
            return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), tag: document.activeElement.tagName };
          });
          assert.ok(outline.style !== "none" && outline.width >= 2, `focused ${outline.tag} has an outline (${JSON.stringify(outline)})`);
        }
        await shot(page, `${lang}-focus`);
        assertNoProblems(context);
      });
    });

    it("switches the language and back", async () => {
      await withShots(context, `${lang}-language`, async () => {
        await page.goto("/customers?type=growth");
        const other = lang === "de" ? "en" : "de";
        await Promise.all([
          page.waitForURL((u) => u.pathname === "/customers"),
          page.getByRole("link", { name: T.switchTo }).click(),
        ]);
        assert.equal(await page.locator("html").getAttribute("lang"), other);
        assert.equal(query(page).type, "growth", "the switch keeps the page");
        // The choice is remembered over the browser's Accept-Language.
        await page.goto("/");
        assert.equal(await page.locator("html").getAttribute("lang"), other);
        await page.getByRole("link", { name: TEXTS[other].switchTo }).click();
        // Back on the same URL: wait for the page in the reader's language again.
        await page.waitForFunction((l) => document.documentElement.lang === l, lang);
        assertNoProblems(context);
      });
    });

    it("logs out", async () => {
      await withShots(context, `${lang}-logout`, async () => {
        await page.goto("/");
        await Promise.all([
          page.waitForURL((u) => u.pathname === "/login"),
          page.getByRole("button", { name: T.logout }).click(),
        ]);
        await assert.doesNotReject(page.getByRole("status").filter({ hasText: T.loggedOut }).waitFor());
        await page.goto("/customers");
        assert.equal(new URL(page.url()).pathname, "/login", "signed out for real");
        assertNoProblems(context);
      });
    });
  });

  describe(`at a phone's width (${lang})`, () => {
    let context;
    before(async () => {
      context = await newContext(lang, PHONE);
    });
    after(async () => {
      await context?.close();
    });

    it("shows the list and a customer without sideways scrolling", async () => {
      await withShots(context, `${lang}-phone`, async () => {
        const page = await logIn(context, lang, USERS.viewer);
        await shot(page, `${lang}-phone-overview`);
        await assertNoSidewaysScroll(page);
        await page.goto("/customers?type=growth");
        await shot(page, `${lang}-phone-list`);
        await assertNoSidewaysScroll(page);
        await page.locator("table[data-rows] tbody tr").first().locator("a").first().click();
        await page.waitForURL((u) => u.pathname.startsWith("/customers/"));
        await shot(page, `${lang}-phone-customer`);
        await assertNoSidewaysScroll(page);
        assertNoProblems(context);
      });
    });
  });
}
