// Urne — the elector's path in a real browser (issue 8, item 3), run by server/tests/browser.rs.
//
// Headless Chromium (the system's, through playwright-core) opens the real pages of a running
// urne-server, logs in with a real code (the wasm booth derives the credential with argon2id in
// the page, docs/protocol.md §3), votes through the real ballot page, review and confirmation (the
// booth encrypts and signs in the page, §5), downloads the signed receipt, then votes by proxy
// with a blank vote in one contest. axe-core, injected in every elector page visited, must report
// no serious or critical violation. One login and one whole ballot are done with the keyboard
// only (Tab, arrows, Space, Enter), checking the focus order the pages claim.
//
// The pages run under their real Content-Security-Policy: axe is evaluated through the DevTools
// protocol, which the policy does not govern, never added as a <script>.
//
// Usage: node vote.mjs --url URL --election ID --cnbf N --code CODE --wrong-code CODE
//          --mandant-cnbf N --mandant-code CODE --out DIR [--chromium PATH]
// Writes DIR/recepisse.json, DIR/recepisse-procuration.json and DIR/result.json (the trackers
// shown on the pages, the pages checked); exit 0 when every step and every check passed.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    election: { type: "string" },
    cnbf: { type: "string" },
    code: { type: "string" },
    "wrong-code": { type: "string" },
    "mandant-cnbf": { type: "string" },
    "mandant-code": { type: "string" },
    out: { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});
for (const k of ["url", "election", "cnbf", "code", "wrong-code", "mandant-cnbf", "mandant-code", "out"]) {
  if (!args[k]) {
    console.error(`vote.mjs: missing --${k}`);
    process.exit(2);
  }
}
const base = args.url.replace(/\/$/, "");
const election = args.election;
mkdirSync(args.out, { recursive: true });

// The argon2id derivation in wasm takes a few seconds on a slow machine; ballots with proofs too.
const STEP_TIMEOUT = 90_000;
// A hung browser must not hang the cargo test.
const overall = setTimeout(() => {
  console.error("vote.mjs: still running after 8 minutes, giving up");
  process.exit(1);
}, 8 * 60_000);

class Failure extends Error {}
function check(cond, what) {
  if (!cond) throw new Failure(what);
}

const checked = []; // { page, path, serious, moderate, minor, passes }
const violations = []; // serious and critical ones, with the page

/// Runs axe-core on the current page state; records the outcome under `name`.
async function axe(page, name) {
  await page.evaluate(AXE_SOURCE);
  const res = await page.evaluate(async () =>
    // Every WCAG 2.x A/AA rule and axe's best practices; experimental rules off.
    window.axe.run(document, { resultTypes: ["violations"] }),
  );
  const count = (impacts) =>
    res.violations.filter((v) => impacts.includes(v.impact)).reduce((n, v) => n + v.nodes.length, 0);
  const path = new URL(page.url()).pathname + new URL(page.url()).search;
  checked.push({
    page: name,
    path,
    serious: count(["serious", "critical"]),
    moderate: count(["moderate"]),
    minor: count(["minor"]),
    passes: res.passes.length,
  });
  for (const v of res.violations) {
    if (v.impact === "serious" || v.impact === "critical") {
      for (const n of v.nodes) {
        violations.push({ page: name, path, id: v.id, impact: v.impact, target: n.target.join(" "), help: v.helpUrl });
      }
    } else {
      console.log(`  axe (${v.impact}) ${name}: ${v.id} × ${v.nodes.length} — ${v.helpUrl}`);
    }
  }
}

/// The element that has the focus: `#id`, or `tag.text` when it has no id.
async function focused(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return "body";
    if (a.id) return `#${a.id}`;
    return `${a.tagName.toLowerCase()}:${(a.textContent || "").trim().slice(0, 40)}`;
  });
}

/// Presses Tab until `target` has the focus (at most `max` times); returns the focus sequence.
async function tabTo(page, target, max = 40) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    seen.push(f);
    if (f === target) return seen;
  }
  throw new Failure(`Tab never reached ${target}; focus went through ${seen.join(" → ")}`);
}

async function expectFocus(page, target, after) {
  const f = await focused(page);
  check(f === target, `after ${after}, focus is on ${f}, expected ${target}`);
}

async function waitPath(page, path) {
  await page.waitForURL((u) => u.pathname + u.search === path, { timeout: STEP_TIMEOUT });
}

const browser = await chromium.launch({
  executablePath: args.chromium,
  headless: true,
  // Root in a container: no user namespace for Chromium's sandbox.
  args: ["--no-sandbox"],
});
const context = await browser.newContext({ acceptDownloads: true, locale: "fr-FR" });
const page = await context.newPage();
page.setDefaultTimeout(STEP_TIMEOUT);
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(String(e)));
page.on("console", (m) => {
  // A blocked resource or script would break the booth silently: the policy is part of the test.
  if (m.type() === "error" && /Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
});

const result = { trackers: {}, receipts: {}, pages: checked };
let step = "start";
const t0 = Date.now();

try {
  // 1. Home, election page, login page.
  step = "home";
  await page.goto(`${base}/`);
  await axe(page, "accueil");
  await page.getByRole("link", { name: /Barreau de/ }).first().click();
  await waitPath(page, `/elections/${election}`);
  await axe(page, "élection");
  await page.getByRole("link", { name: "Voter" }).click();
  await waitPath(page, `/elections/${election}/connexion`);
  await axe(page, "connexion");

  // 2. A wrong code (well formed: another elector's), then a mistyped one: the error states.
  step = "wrong code";
  await page.getByLabel("Numéro CNBF").fill(args.cnbf);
  await page.getByLabel("Code personnel confidentiel").fill(args["wrong-code"]);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.locator("#erreur:not([hidden])").waitFor();
  check(
    (await page.locator("#erreur").textContent()).trim().length > 0,
    "the login error of a wrong code is empty",
  );
  await axe(page, "connexion, code erroné");
  step = "mistyped code";
  const code = args.code;
  const typo = (code[0] === "A" ? "B" : "A") + code.slice(1);
  await page.getByLabel("Code personnel confidentiel").fill(typo);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForFunction(() => document.getElementById("code").getAttribute("aria-invalid") === "true");
  await expectFocus(page, "#code", "a mistyped code");
  await axe(page, "connexion, faute de frappe");

  // 3. Login with the keyboard only, from a fresh page: skip link first, then the fields in order.
  step = "keyboard login";
  await page.goto(`${base}/elections/${election}/connexion`);
  await page.keyboard.press("Tab");
  check((await focused(page)).startsWith("a:Aller au contenu"), `first Tab: ${await focused(page)}, expected the skip link`);
  await tabTo(page, "#cnbf");
  await page.keyboard.type(args.cnbf);
  await page.keyboard.press("Tab");
  await expectFocus(page, "#code", "Tab from the CNBF field");
  await page.keyboard.type(code);
  await page.keyboard.press("Tab");
  check((await focused(page)).startsWith("button:Se connecter"), `Tab from the code: ${await focused(page)}`);
  await page.keyboard.press("Enter");
  await waitPath(page, `/elections/${election}/vote`);

  // 4. The ballot, with the keyboard only: first contest by arrows, second by Space.
  step = "ballot (keyboard)";
  await page.locator("#bulletin").waitFor();
  await axe(page, "bulletin");
  const contests = await page.locator("fieldset[data-contest]").evaluateAll((fs) =>
    fs.map((f) => ({
      index: f.dataset.contest,
      max: Number(f.dataset.max),
      type: f.querySelector("input[data-option]").type,
      options: f.querySelectorAll("input[data-option]").length,
    })),
  );
  check(contests.length >= 2, `expected two contests on the ballot page, found ${contests.length}`);
  const [c0, c1] = contests;
  check(c0.type === "radio" && c1.type === "checkbox", `contest input types ${c0.type}, ${c1.type}`);
  await tabTo(page, `#c${c0.index}-o0`);
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowDown");
  await expectFocus(page, `#c${c0.index}-o1`, "ArrowDown in the first contest");
  await page.keyboard.press("Tab");
  await expectFocus(page, `#c${c1.index}-o0`, "Tab out of the radio group");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expectFocus(page, `#c${c1.index}-o2`, "two Tabs in the second contest");
  await page.keyboard.press("Space");
  const chosen = await page.locator("input:checked").evaluateAll((xs) => xs.map((x) => x.id));
  const expected = [`c${c0.index}-o1`, `c${c1.index}-o0`, `c${c1.index}-o2`];
  check(JSON.stringify(chosen) === JSON.stringify(expected), `checked ${chosen}, expected ${expected}`);
  const labels = await Promise.all(
    expected.map((id) => page.locator(`label[for="${id}"] .nom`).textContent()),
  );
  await tabTo(page, "button:Vérifier mon vote");
  await page.keyboard.press("Enter");

  // 5. Review: the focus moves to its title; it lists what was chosen; confirm by keyboard.
  step = "review (keyboard)";
  await page.locator("#recapitulatif:not([hidden])").waitFor();
  await expectFocus(page, "#titre-recap", "the review opens");
  const recap = await page.locator("#liste-recap").textContent();
  for (const l of labels) check(recap.includes(l), `the review does not list « ${l} »: ${recap}`);
  await axe(page, "récapitulatif");
  await tabTo(page, "#confirmer");
  await page.keyboard.press("Space");

  // 6. The confirmation page, its tracker, the signed receipt as a real download.
  step = "confirmation";
  await waitPath(page, `/elections/${election}/recepisse`);
  await axe(page, "confirmation");
  result.trackers.own = (await page.locator("#traceur").textContent()).trim();
  check(/^[0-9a-f]{64}$/.test(result.trackers.own), `tracker on the page: ${result.trackers.own}`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Télécharger le récépissé signé" }).click(),
  ]);
  check(download.suggestedFilename() === `recepisse-${election}.json`, `download named ${download.suggestedFilename()}`);
  result.receipts.own = join(args.out, "recepisse.json");
  await download.saveAs(result.receipts.own);

  // 7. The proxy, with the mouse: over-selection refused, a blank vote in the first contest.
  step = "proxy ballot";
  await page.getByRole("link", { name: /Voter au titre de la procuration/ }).click();
  await waitPath(page, `/elections/${election}/vote?procuration=1`);
  await page.locator("#bulletin").waitFor();
  await axe(page, "bulletin par procuration");
  for (let o = 0; o <= c1.max && o < c1.options; o++) await page.locator(`label[for="c${c1.index}-o${o}"]`).click();
  if (c1.options > c1.max) {
    const msg = (await page.locator(`#message-${c1.index}`).textContent()).trim();
    check(msg.includes(`${c1.max} candidature`), `no message when choosing more than ${c1.max}: « ${msg} »`);
    check(
      (await page.locator(`fieldset[data-contest="${c1.index}"] input[data-option]:checked`).count()) === c1.max,
      "an over-selection was kept",
    );
    await axe(page, "bulletin par procuration, choix en trop");
  }
  await page.locator(`label[for="c${c0.index}-blanc"]`).click();
  await page.getByRole("button", { name: "Vérifier mon vote" }).click();
  await page.locator("#recapitulatif:not([hidden])").waitFor();
  check((await page.locator("#liste-recap").textContent()).includes("Vote blanc"), "the review does not show the blank vote");
  await axe(page, "récapitulatif par procuration");
  await page.getByRole("button", { name: "Confirmer et déposer mon bulletin" }).click();
  await waitPath(page, `/elections/${election}/recepisse?procuration=1`);
  await axe(page, "confirmation par procuration");
  result.trackers.proxy = (await page.locator("#traceur").textContent()).trim();
  const [proxyDownload] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Télécharger le récépissé signé" }).click(),
  ]);
  result.receipts.proxy = join(args.out, "recepisse-procuration.json");
  await proxyDownload.saveAs(result.receipts.proxy);

  // 8. Already voted: the ballot page sends back to the receipt.
  step = "already voted";
  await page.goto(`${base}/elections/${election}/vote`);
  await waitPath(page, `/elections/${election}/recepisse`);
  check((await page.locator("#traceur").textContent()).trim() === result.trackers.own, "the receipt page shows another tracker");
  await axe(page, "déjà voté");
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await waitPath(page, "/");

  // 9. The mandant, whose mandataire has voted: the page saying so (no ballot).
  step = "mandant";
  await page.goto(`${base}/elections/${election}/connexion`);
  await page.getByLabel("Numéro CNBF").fill(args["mandant-cnbf"]);
  await page.getByLabel("Code personnel confidentiel").fill(args["mandant-code"]);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await waitPath(page, `/elections/${election}/vote`);
  await page.getByRole("heading", { level: 1, name: "Procuration donnée" }).waitFor();
  const said = await page.locator("main").textContent();
  check(said.includes("Votre mandataire a déjà voté pour vous"), `the mandant's page says: ${said.trim()}`);
  check((await page.locator("#bulletin").count()) === 0, "the mandant is shown a ballot");
  await axe(page, "mandant, vote déjà exprimé");

  // 10. The page of an unknown address.
  step = "not found";
  const r = await page.goto(`${base}/elections/${election}/inexistante`);
  check(r.status() === 404, `unknown page: status ${r.status()}`);
  await axe(page, "page introuvable");

  check(pageErrors.length === 0, `errors in the pages: ${pageErrors.join(" | ")}`);
} catch (e) {
  const shot = join(args.out, "failure.png");
  await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
  console.error(`FAILED at step « ${step} » on ${page.url()}: ${e instanceof Failure ? e.message : e.stack || e}`);
  console.error(`(screenshot: ${shot})`);
  if (pageErrors.length) console.error(`page errors: ${pageErrors.join(" | ")}`);
  await browser.close();
  process.exit(1);
}
await browser.close();
clearTimeout(overall);

console.log(`axe-core ${JSON.parse(readFileSync(require.resolve("axe-core/package.json"), "utf8")).version}, ` +
  `${checked.length} page states, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
for (const c of checked) {
  console.log(`  ${c.serious ? "✗" : "✓"} ${c.page.padEnd(40)} ${c.path.padEnd(48)} rules passed ${c.passes}; violations: serious+critical ${c.serious}, moderate ${c.moderate}, minor ${c.minor}`);
}
console.log(`  trackers: own ${result.trackers.own}, proxy ${result.trackers.proxy}`);
writeFileSync(join(args.out, "result.json"), JSON.stringify(result, null, 2));
if (violations.length) {
  console.error(`${violations.length} serious or critical accessibility violation(s):`);
  for (const v of violations) console.error(`  [${v.impact}] ${v.id} on « ${v.page} » (${v.path}) at ${v.target} — ${v.help}`);
  process.exit(1);
}
