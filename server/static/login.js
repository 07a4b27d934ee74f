// Urne — login page (templates/login.html). The personal code never leaves the browser: the booth
// derives the login token and the credential from it (argon2id, docs/protocol.md §3); only the
// token is sent. The credential's secret is kept in sessionStorage (this tab only) for the
// ballot page, and removed once the vote is done.
import { loadBooth } from "/static/booth.js";

const form = document.getElementById("connexion");
const cfg = JSON.parse(form.dataset.config);
const statut = document.getElementById("statut");
const erreur = document.getElementById("erreur");
const bouton = form.querySelector("button[type=submit]");

function showError(text, field) {
  statut.textContent = "";
  erreur.textContent = text;
  erreur.hidden = false;
  if (field) {
    field.setAttribute("aria-invalid", "true");
    field.focus();
  } else {
    erreur.focus();
  }
  bouton.disabled = false;
}

let boothPromise = null;
function booth() {
  if (!boothPromise) {
    boothPromise = fetch("/static/urne_booth.wasm").then((r) => loadBooth(r));
  }
  return boothPromise;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  erreur.hidden = true;
  const cnbfField = document.getElementById("cnbf");
  const codeField = document.getElementById("code");
  cnbfField.removeAttribute("aria-invalid");
  codeField.removeAttribute("aria-invalid");
  const cnbf = cnbfField.value.trim();
  if (!cnbf) {
    showError("Saisissez votre numéro CNBF.", cnbfField);
    return;
  }
  if (!codeField.value.trim()) {
    showError("Saisissez votre code personnel confidentiel.", codeField);
    return;
  }
  bouton.disabled = true;
  statut.textContent = "Vérification de votre code sur votre appareil…";
  let cred;
  try {
    cred = (await booth()).deriveCredential(codeField.value, cfg.campaign);
  } catch (e) {
    // A typing error detected by the code's check character: said precisely, nothing sent.
    showError(String(e.message || e), codeField);
    return;
  }
  codeField.value = "";
  statut.textContent = "Connexion…";
  let response;
  try {
    response = await fetch(cfg.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ cnbf, token: cred.login_token, csrf: cfg.csrf }),
    });
  } catch (e) {
    showError("Le serveur ne répond pas. Vérifiez votre connexion à internet puis réessayez.");
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    showError(body.message || "Connexion impossible.");
    return;
  }
  sessionStorage.setItem(`urne:${cfg.election}:secret`, cred.secret);
  statut.textContent = "Connecté. Ouverture du bulletin…";
  window.location.assign(body.redirect);
});
