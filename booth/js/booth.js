// Urne — voting booth loader (docs/protocol.md §Booth).
//
// Loads booth/dist/urne_booth.wasm (the urne core compiled to wasm32-unknown-unknown) and wraps
// its operations. Randomness comes only from crypto.getRandomValues; this script makes no
// network request and loads no other script: the page passes the wasm bytes (or the Response of
// fetching the same-origin file) and posts the ballot itself.
//
//   const booth = await loadBooth(await fetch("/static/urne_booth.wasm"));
//   const cred = booth.deriveCredential("7KQM-4XT2-…", campaignId);   // ~1 s (argon2id)
//   const { ballot, tracker } = booth.makeBallot({ election, election_key, contests,
//                                                   selections, secret: cred.secret });
//
// Procuration (the mandataire's browser): the proxy credential is derived from the mandataire's
// secret and the mandant's public key (so it can be re-derived at any time), endorsed, and used
// to vote with the mandant's contests:
//   const e = booth.endorseProxy({ election, secret: cred.secret, mandant });   // → server
//   const proxy = booth.deriveProxyCredential(cred.secret, mandant);
//   booth.makeBallot({ election, election_key, contests, selections, secret: proxy.secret });

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function loadBooth(source) {
  let instance;
  if (typeof Response !== "undefined" && source instanceof Response) {
    const bytes = await source.arrayBuffer();
    ({ instance } = await WebAssembly.instantiate(bytes, {}));
  } else {
    ({ instance } = await WebAssembly.instantiate(source, {}));
  }
  return new Booth(instance.exports);
}

function randomHex(n) {
  const bytes = new Uint8Array(n);
  globalThis.crypto.getRandomValues(bytes);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  bytes.fill(0);
  return hex;
}

class Booth {
  constructor(exports) {
    this.x = exports;
  }

  call(op, request) {
    const input = encoder.encode(JSON.stringify(request));
    const ptr = this.x.urne_alloc(input.length);
    new Uint8Array(this.x.memory.buffer, ptr, input.length).set(input);
    input.fill(0);
    const status = this.x[op](ptr, input.length);
    this.x.urne_free(ptr, input.length);
    const out = new Uint8Array(this.x.memory.buffer, this.x.urne_result_ptr(), this.x.urne_result_len());
    const text = decoder.decode(out.slice());
    this.x.urne_clear_result();
    if (status !== 0) {
      throw new Error(text);
    }
    return JSON.parse(text);
  }

  // code: as typed by the elector; campaign: the election campaign id.
  // Returns { public_key, login_token, secret } (hex strings).
  deriveCredential(code, campaign) {
    return this.call("urne_credential", { code, campaign });
  }

  // secret: the mandataire's, from deriveCredential; mandant: the mandant's credential public
  // key (hex). Returns the proxy credential { public_key, login_token, secret } (hex strings).
  deriveProxyCredential(secret, mandant) {
    return this.call("urne_proxy_credential", { secret, mandant });
  }

  // election: fingerprint (hex); secret: the mandataire's; mandant: hex. Returns
  // { mandant, proxy, mandataire, endorsement } (hex): the mandataire's signature of the
  // ProxyCredential endorsement message, for the server to have the ordre authorise it.
  endorseProxy({ election, secret, mandant }) {
    return this.call("urne_proxy_endorsement", { election, secret, mandant });
  }

  // election: fingerprint (hex); election_key: hex; contests: the contests the credential has
  // rights in, by increasing index: [{ contest, options, max }]; selections: aligned with
  // contests, the selected option indices ([] = blank); secret: from deriveCredential.
  // Returns { ballot, tracker } (hex).
  makeBallot({ election, election_key, contests, selections, secret }) {
    return this.call("urne_ballot", {
      election,
      election_key,
      contests,
      selections,
      secret,
      seed: randomHex(32),
    });
  }
}
