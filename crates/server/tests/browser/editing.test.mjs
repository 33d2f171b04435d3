// The pages where people change things: the import of a German export with a broken row, the
// chain editor and the focus plan, in German and English.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  USERS,
  DEMO_CHAIN,
  DEMO_PLAN,
  newContext,
  logIn,
  shot,
  assertNoProblems,
  assertNoSidewaysScroll,
  withShots,
} from "./lib.mjs";


/**
 * A small German ERP export as the demo's (Windows-1252, `;`, decimal comma, DD.MM.YYYY, CRLF)
 * whose physical line 4 has a date that does not exist.
 */
function brokenGermanExport() {
  const lines = [
    "Kundennr.;Kundenname;Belegnr.;Belegdatum;Nettoumsatz;Wareneinsatz",
    "90001;Müller Landtechnik GmbH;R-900001;03.01.2024;1.250,00;812,50",
    "90001;Müller Landtechnik GmbH;R-900002;15.02.2024;980,40;637,26",
    "90002;Schäfer & Söhne KG;R-900003;31.02.2024;2.100,00;1.365,00",
    "90002;Schäfer & Söhne KG;R-900004;12.03.2024;445,90;289,84",
  ];
  // latin1 is Windows-1252 for every character used here.
  return Buffer.from(lines.join("\r\n") + "\r\n", "latin1");
}

for (const lang of ["de", "en"]) {
  describe(`editing pages (${lang})`, () => {
    let context;
    let dir;
    before(async () => {
      context = await newContext(lang);
      dir = mkdtempSync(join(tmpdir(), "kw-browser-"));
    });
    after(async () => {
      await context?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("imports a German export and names its broken row", async () => {
      await withShots(context, `${lang}-pending-import`, async () => {
        const page = await logIn(context, lang, USERS.editor);
        await page.goto("/import");
        const file = page.locator("input[type=file][name=file]");
        assert.equal(await file.count(), 1, "the upload form");
        await shot(page, `${lang}-import-form`);
        const path = join(dir, "rechnungen_kaputt.csv");
        writeFileSync(path, brokenGermanExport());
        await file.setInputFiles(path);
        await Promise.all([
          page.waitForLoadState("load"),
          page.locator("form:has(input[type=file]) [type=submit]").click(),
        ]);
        await page.waitForLoadState();
        const text = await page.locator("main").innerText();
        // The report names the rejected row by its line and shows what was wrong there.
        assert.match(text, /\b4\b/, "the broken row's line number");
        assert.match(text, /31\.02\.2024/, "the broken date as it stood");
        // Three of the four rows are stored.
        assert.match(text, /\b3\b/, "the rows accepted");
        await assertNoSidewaysScroll(page);
        await shot(page, `${lang}-import-result`);
        assertNoProblems(context);
      });
    });

    it("shows the demo chain with its diagram and editing forms", async () => {
      await withShots(context, `${lang}-pending-chain`, async () => {
        const page = await logIn(context, lang, USERS.editor);
        await page.goto(`/chains/${encodeURIComponent(DEMO_CHAIN)}`);
        const chainHeading = await page.locator("h1").textContent();
        assert.ok(chainHeading.includes(DEMO_CHAIN), `the chain's page (${page.url()}: ${chainHeading})`);
        assert.ok((await page.locator("svg[role=img]").count()) >= 1, "the chain's diagram");
        const forms = page.locator("main form[method=post]");
        assert.ok((await forms.count()) >= 1, "forms to edit the chain");
        // Every field of the forms has a label.
        const unlabelled = await page.locator("main form input:not([type=hidden]), main form select, main form textarea").evaluateAll(
          (els) => els.filter((el) => !el.labels?.length && !el.getAttribute("aria-label")).map((el) => el.name),
        );
        assert.deepEqual(unlabelled, [], "every field is labelled");
        await assertNoSidewaysScroll(page);
        await shot(page, `${lang}-chain`);

        // A viewer sees the chain but no editing form.
        const viewer = await newContext(lang);
        const vpage = await logIn(viewer, lang, USERS.viewer);
        await vpage.goto(`/chains/${encodeURIComponent(DEMO_CHAIN)}`);
        assert.equal(await vpage.locator("main form[method=post]").count(), 0, "no editing for viewers");
        await viewer.close();
        assertNoProblems(context);
      });
    });

    it("shows the demo focus plan with the customers it targets", async () => {
      await withShots(context, `${lang}-pending-plan`, async () => {
        const page = await logIn(context, lang, USERS.viewer);
        await page.goto(`/plans/${encodeURIComponent(DEMO_PLAN)}`);
        const planHeading = await page.locator("h1").textContent();
        assert.ok(planHeading.includes(DEMO_PLAN), `the plan's page (${page.url()}: ${planHeading})`);
        const customers = page.locator("main a[href^='/customers/']");
        assert.ok((await customers.count()) > 0, "links to the targeted customers");
        await assertNoSidewaysScroll(page);
        await shot(page, `${lang}-plan`);
        await Promise.all([
          page.waitForURL((u) => u.pathname.startsWith("/customers/")),
          customers.first().click(),
        ]);
        // The customer page lists the plan it is in.
        assert.ok((await page.locator(`main a[href^='/plans/']`).count()) >= 1, "the plan is linked back");
        assertNoProblems(context);
      });
    });
  });
}
