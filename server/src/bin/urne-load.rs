//! urne-load: simulated electors casting real ballots over HTTP against a running
//! `urne-server serve` (issue 8 §4; the throughput target, docs/benchmarks.md). Thin: the
//! electors, the driver and the report are `urne_server::load`.
//!
//! 1. the codes file is read and every code turned into its credential — argon2id, ≈ 14 ms per
//!    code, on all cores — **before** any clock starts: that cost is the elector's browser's,
//!    not the server's;
//! 2. every elector logs in, opens the ballot page and has its ballot made by the booth code
//!    (`--clients` at a time): timed and reported on its own;
//! 3. the ballots are deposited, closed loop by `--clients` concurrent clients (the server's
//!    maximal throughput), or open loop at `--rate` ballots per second: ballots/s and the
//!    p50/p99/max latency of the deposits.
//!
//! Exit status: 0 when every ballot got its receipt, 1 when some did not, 2 when the load could
//! not run (unreadable codes file, server unreachable…).
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;
use rayon::prelude::*;
use urne::crypto::credential::Credential;
use urne_server::load::{
    Attempt, ElectorKey, LoadClient, Pace, Progress, Readiness, Report, Voted, drive, read_codes,
    ready_all,
};

/// Simulated electors casting real ballots over HTTP.
#[derive(Debug, Parser)]
#[command(
    name = "urne-load",
    version,
    about = "Générateur de charge Urne : des électeurs simulés déposent de vrais bulletins"
)]
struct Args {
    /// The server, e.g. `http://127.0.0.1:8080`.
    #[arg(long)]
    url: String,
    /// The election identifier.
    #[arg(long)]
    election: String,
    /// Codes file: header `cnbf,code`, one elector per line (`urne-server demo` writes
    /// `DATA/demo-codes.csv`).
    #[arg(long)]
    codes: PathBuf,
    /// Concurrent clients.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Deposits offered per second (open loop); without it, as fast as the server accepts them
    /// (closed loop).
    #[arg(long)]
    rate: Option<f64>,
    /// Number of electors (ballots) to use, from the start of the file; default all.
    #[arg(long)]
    ballots: Option<usize>,
    /// Print the figures as JSON on stdout (progress stays on stderr).
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("urne-load : démarrage impossible : {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(&args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("urne-load : {e}");
            ExitCode::from(2)
        }
    }
}

/// Progress goes to stderr so that `--json` answers alone on stdout.
macro_rules! say {
    ($($t:tt)*) => { eprintln!($($t)*) };
}

async fn run(args: &Args) -> Result<bool, String> {
    if args.clients == 0 {
        return Err("--clients : au moins 1".into());
    }
    if args.rate.is_some_and(|r| !(r > 0.0 && r.is_finite())) {
        return Err("--rate : un nombre de bulletins par seconde positif".into());
    }
    let client = LoadClient::new(&args.url, &args.election, args.clients)?;
    let info = client.election_info().await.map_err(|e| e.to_string())?;
    let mut codes = read_codes(&args.codes)?;
    if let Some(n) = args.ballots {
        if n > codes.len() {
            return Err(format!(
                "--ballots {n} : {} ne contient que {} électeurs",
                args.codes.display(),
                codes.len()
            ));
        }
        codes.truncate(n);
    }
    let t = Instant::now();
    let campaign = info.campaign_id.clone();
    let electors = tokio::task::spawn_blocking(move || {
        codes
            .into_par_iter()
            .map(|c| {
                Credential::derive(&c.code, &campaign)
                    .map(|credential| ElectorKey {
                        cnbf: c.cnbf.clone(),
                        credential,
                    })
                    .map_err(|e| format!("code de {} : {e}", c.cnbf))
            })
            .collect::<Result<Vec<_>, String>>()
    })
    .await
    .map_err(|e| e.to_string())??;
    say!(
        "{} identifiants dérivés des codes en {:.1} s (argon2id sur {} cœurs, hors chronomètre)",
        electors.len(),
        t.elapsed().as_secs_f64(),
        rayon::current_num_threads()
    );

    let pace = Pace::Closed {
        clients: args.clients,
    };
    let items: Vec<(usize, ElectorKey)> = electors.into_iter().enumerate().collect();
    let (prepared, wall) = ready_all(&client, items, pace).await;
    let login = Report::new(
        format!(
            "connexion, page du bulletin et bulletin préparé ({} clients)",
            args.clients
        ),
        "électeurs prêts",
        &prepared,
        wall,
    );
    if !args.json {
        println!("{login}");
    }
    let ready: Vec<_> = prepared
        .into_iter()
        .filter_map(|a| match a.result {
            Ok(Readiness::Ballot(r)) => Some(r),
            _ => None,
        })
        .collect();

    let (pace, name) = match args.rate {
        Some(rate) => (
            Pace::Open { rate },
            format!("dépôt à {rate} bulletins/s offerts"),
        ),
        None => (pace, format!("dépôt ({} clients)", args.clients)),
    };
    let c = client.clone();
    let (deposits, wall) = drive(ready, pace, Arc::new(Progress::default()), move |r| {
        let c = c.clone();
        async move {
            let t = Instant::now();
            let result = c.deposit(&r.session, &r.ballot).await.map(Voted::Now);
            let d = t.elapsed();
            Attempt {
                result,
                deposit: Some(d),
                total: d,
            }
        }
    })
    .await;
    let deposit = Report::new(name, "bulletins", &deposits, wall);
    if args.json {
        let out = serde_json::json!({ "login": login, "deposit": deposit });
        println!("{out}");
    } else {
        println!("{deposit}");
    }
    Ok(login.failed() == 0 && deposit.failed() == 0)
}
