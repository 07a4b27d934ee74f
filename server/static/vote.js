// Urne — ballot page (templates/ballot.html): choice, review, then encryption and signature by
// the booth in this browser (docs/protocol.md §5), and deposit. The server receives only the
// encrypted, signed ballot; the plaintext choice never leaves the page.
import { loadBooth } from "/static/booth.js";

const form = document.getElementById("bulletin");
const cfg = JSON.parse(form.dataset.config);
const recap = document.getElementById("recapitulatif");
const liste = document.getElementById("liste-recap");
const erreur = document.getElementById("erreur");
const erreurDepot = document.getElementById("erreur-depot");
const statut = document.getElementById("statut");
const confirmer = document.getElementById("confirmer");
const secretKey = `urne:${cfg.election}:secret`;

const fieldsets = Array.from(form.querySelectorAll("fieldset[data-contest]"));
const boothPromise = fetch("/static/urne_booth.wasm").then((r) => loadBooth(r));

function inputs(fs) {
  return Array.from(fs.querySelectorAll("input[data-option]"));
}
function blank(fs) {
  return fs.querySelector("input[data-blank]");
}

// "Choisissez au plus N": a selection beyond N is undone and the elector is told why; the blank
// vote and the candidacies exclude each other.
for (const fs of fieldsets) {
  const max = Number(fs.dataset.max);
  const msg = fs.querySelector(".message-scrutin");
  for (const input of inputs(fs)) {
    input.addEventListener("change", () => {
      msg.textContent = "";
      if (input.checked) {
        blank(fs).checked = false;
        const chosen = inputs(fs).filter((i) => i.checked);
        if (input.type === "checkbox" && chosen.length > max) {
          input.checked = false;
          msg.textContent = `Vous ne pouvez choisir que ${max} candidature(s) au plus dans ce scrutin.`;
        }
      }
    });
  }
  blank(fs).addEventListener("change", () => {
    msg.textContent = "";
    if (blank(fs).checked) {
      for (const i of inputs(fs)) i.checked = false;
    }
  });
}

function selections() {
  const out = [];
  for (const fs of fieldsets) {
    const chosen = inputs(fs).filter((i) => i.checked).map((i) => Number(i.dataset.option));
    out.push({ fs, chosen, blank: blank(fs).checked });
  }
  return out;
}

function labelOf(input) {
  return form.querySelector(`label[for="${input.id}"] .nom`).textContent;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  erreur.hidden = true;
  const sel = selections();
  const missing = sel.find((s) => s.chosen.length === 0 && !s.blank);
  if (missing) {
    erreur.textContent = `Scrutin « ${missing.fs.querySelector("legend").textContent.trim()} » : faites un choix ou cochez « Vote blanc ».`;
    erreur.hidden = false;
    (inputs(missing.fs)[0] || blank(missing.fs)).focus();
    return;
  }
  liste.replaceChildren();
  for (const s of sel) {
    const dt = document.createElement("dt");
    dt.textContent = s.fs.querySelector("legend").textContent.trim();
    const dd = document.createElement("dd");
    if (s.blank) {
      dd.textContent = "Vote blanc";
    } else {
      const ul = document.createElement("ul");
      for (const i of inputs(s.fs).filter((x) => x.checked)) {
        const li = document.createElement("li");
        li.textContent = labelOf(i);
        ul.append(li);
      }
      dd.append(ul);
    }
    liste.append(dt, dd);
  }
  document.getElementById("code-requis").hidden = !!sessionStorage.getItem(secretKey);
  form.hidden = true;
  recap.hidden = false;
  document.getElementById("titre-recap").focus();
});

document.getElementById("modifier").addEventListener("click", () => {
  recap.hidden = true;
  form.hidden = false;
  fieldsets[0].querySelector("input").focus();
});

function fail(text) {
  statut.textContent = "";
  erreurDepot.textContent = text;
  erreurDepot.hidden = false;
  erreurDepot.focus();
  confirmer.disabled = false;
}

async function post(url, body) {
  const r = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(json.message || `Erreur ${r.status}`);
  return json;
}

confirmer.addEventListener("click", async () => {
  erreurDepot.hidden = true;
  confirmer.disabled = true;
  statut.textContent = "Chiffrement de votre bulletin sur votre appareil…";
  try {
    const booth = await boothPromise;
    let secret = sessionStorage.getItem(secretKey);
    if (!secret) {
      const code = document.getElementById("code-confirmation").value;
      if (!code.trim()) {
        fail("Saisissez votre code personnel confidentiel pour signer le bulletin.");
        return;
      }
      secret = booth.deriveCredential(code, cfg.campaign).secret;
      sessionStorage.setItem(secretKey, secret);
    }
    let signing = secret;
    if (cfg.procuration) {
      // The proxy credential is derived from the mandataire's own and the mandant's key; the
      // first time, the mandataire endorses it and the ordre authorises it (plan D5).
      signing = booth.deriveProxyCredential(secret, cfg.mandant).secret;
      if (!cfg.proxy_active) {
        statut.textContent = "Activation de la procuration…";
        const e = booth.endorseProxy({ election: cfg.fingerprint, secret, mandant: cfg.mandant });
        await post(cfg.activate, { proxy: e.proxy, endorsement: e.endorsement, csrf: cfg.csrf });
        cfg.proxy_active = true;
      }
    }
    const sel = selections();
    const { ballot } = booth.makeBallot({
      election: cfg.fingerprint,
      election_key: cfg.election_key,
      contests: cfg.contests,
      selections: sel.map((s) => (s.blank ? [] : s.chosen)),
      secret: signing,
    });
    statut.textContent = "Dépôt de votre bulletin dans l'urne…";
    const res = await post(cfg.submit, { ballot, procuration: cfg.procuration, csrf: cfg.csrf });
    for (const fs of fieldsets) for (const i of fs.querySelectorAll("input")) i.checked = false;
    statut.textContent = "Bulletin déposé.";
    window.location.assign(res.confirmation);
  } catch (e) {
    fail(String(e.message || e));
  }
});
