// Urne — receipt page: once the vote is done (and no procuration is left to use), the
// credential's secret is removed from this tab.
const p = document.getElementById("confirmation");
if (p && p.dataset.keep !== "1") {
  sessionStorage.removeItem(`urne:${p.dataset.election}:secret`);
}
