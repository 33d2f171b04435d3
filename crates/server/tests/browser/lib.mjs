// Shared helpers of the browser tests: the browser, the users, the texts per language,
// screenshots and the page checks every test makes (no script error, no CSP violation, no
// horizontal overflow). `run.sh` sets the environment; see README.md.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const BASE = required("KW_BASE_URL").replace(/\/$/, "");
export const PASSWORD = required("KW_PASSWORD");
export const SHOTS = process.env.KW_SCREENSHOTS || "target/browser-screenshots";

/** The users run.sh creates, one per role. */
export const USERS = { admin: "anna", editor: "emil", viewer: "vera" };

/** Desktop and phone widths the screenshots are taken at. */
export const DESKTOP = { width: 1400, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** The demo company's example chain and focus plan (data/demo/). */
export const DEMO_CHAIN = "Hydraulikzylinder für Landmaschinen";
export const DEMO_PLAN = "Wachstumskunden Süd";

/** What the pages say, per language (crates/text/locales/{de,en}/web.ftl). */
export const TEXTS = {
  de: {
    locale: "de-DE",
    loginTitle: "Anmelden",
    loginFailed: "Benutzername oder Passwort ist falsch.",
    loggedOut: "Sie sind abgemeldet.",
    overview: "Übersicht",
    customers: "Kunden",
    growth: "Wachstum",
    next: "Nächste Seite",
    first: "Erste Seite",
    previousCustomer: "Vorheriger",
    nextCustomer: "Nächster",
    backToList: "Zurück zur Liste",
    logout: "Abmelden",
    switchTo: "English",
    why: "Warum",
    invoiceLines: "Rechnungszeilen",
  },
  en: {
    locale: "en-GB",
    loginTitle: "Log in",
    loginFailed: "User name or password is wrong.",
    loggedOut: "You are logged out.",
    overview: "Overview",
    customers: "Customers",
    growth: "growth",
    next: "Next page",
    first: "First page",
    previousCustomer: "Previous",
    nextCustomer: "Next",
    backToList: "Back to the list",
    logout: "Log out",
    switchTo: "Deutsch",
    why: "Why",
    invoiceLines: "Invoice lines",
  },
};

function required(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: start the tests with run.sh`);
  }
  return v;
}

let browser;

/** The one browser of the run (Debian's Chromium; never a downloaded one). */
export async function launch() {
  browser = await chromium.launch({
    executablePath: process.env.KW_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    timeout: 60_000,
    // Playwright gives every launch a fresh, empty profile directory of its own.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return browser;
}

export async function close() {
  await browser?.close();
}

/**
 * A fresh browser context (own cookies) whose Accept-Language is `lang`'s, at `size`. Every
 * page opened in it records script errors and CSP violations in `context.problems`.
 */
export async function newContext(lang, size = DESKTOP) {
  const context = await browser.newContext({
    locale: TEXTS[lang].locale,
    viewport: size,
    baseURL: BASE,
    isMobile: size.width < 600,
    hasTouch: size.width < 600,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  context.problems = [];
  context.on("page", (page) => watch(context, page));
  return context;
}

function watch(context, page) {
  page.on("pageerror", (e) => context.problems.push(`script error on ${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    // A 401 or 422 answer (the wrong password, a rejected form) is logged as a failed
    // resource; that is the page working. Everything else is a problem.
    if (m.type() === "error" && !/Failed to load resource: .*status of (401|422)/.test(m.text())) {
      context.problems.push(`console error on ${page.url()}: ${m.text()}`);
    }
  });
}

/** Fails when a page of `context` had a script error or a CSP violation since the last call. */
export function assertNoProblems(context) {
  const problems = context.problems.splice(0);
  assert.deepEqual(problems, [], "no script errors or CSP violations");
}

/** Saves a full-page screenshot `<lang>-<name>.png`. */
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * Fails when the page is wider than the window (content that overflows sideways). What
 * overflows inside a box that scrolls by itself (a wide table on a phone) is fine.
 */
export async function assertNoSidewaysScroll(page) {
  const { scroll, client, culprits } = await page.evaluate(() => {
    const doc = document.scrollingElement;
    const scrolls = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true;
      }
      return false;
    };
    const culprits = [];
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > doc.clientWidth + 1 && !scrolls(el)) {
        const cls = el.getAttribute("class");
        culprits.push(`${el.tagName.toLowerCase()}${cls ? "." + cls.replace(/\s+/g, ".") : ""}`);
      }
    }
    return { scroll: doc.scrollWidth, client: doc.clientWidth, culprits: culprits.slice(0, 6) };
  });
  assert.ok(
    scroll <= client + 1,
    `the page is ${scroll} px wide in a ${client} px window (too wide: ${culprits.join(", ")})`,
  );
}

/** Logs `user` in on a new page of `context`; returns the page on the overview. */
export async function logIn(context, lang, user = USERS.admin) {
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel(labelUser(lang)).fill(user);
  await page.getByLabel(labelPassword(lang)).fill(PASSWORD);
  await Promise.all([
    page.waitForURL((u) => u.pathname === "/"),
    page.getByRole("button", { name: TEXTS[lang].loginTitle, exact: true }).click(),
  ]);
  return page;
}

export function labelUser(lang) {
  return lang === "de" ? "Benutzername" : "User name";
}

export function labelPassword(lang) {
  return lang === "de" ? "Passwort" : "Password";
}

/** A whole amount as the page writes it (`1.234 €`, `€1,234`, `–`) as a number, or null. */
export function amount(text) {
  const digits = text.replace(/[−–]/g, (c) => (c === "−" ? "-" : "")).replace(/[^\d-]/g, "");
  return digits === "" || digits === "-" ? null : Number.parseInt(digits, 10);
}

/** The query of `page`'s URL as an object. */
export function query(page) {
  return Object.fromEntries(new URL(page.url()).searchParams);
}

/**
 * Runs `body`; on failure saves a screenshot `FAILED-<name>.png` of every open page of
 * `context` first, so that CI's artifacts show what the browser saw.
 */
export async function withShots(context, name, body) {
  try {
    await body();
  } catch (e) {
    let i = 0;
    for (const page of context.pages()) {
      await shot(page, `FAILED-${name}-${i++}`).catch(() => {});
    }
    throw e;
  }
}
