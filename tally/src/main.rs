//! urne-tally: the bureau's program (bâtonnier and scrutateurs). Thin: the logic is in the library.
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use urne_tally::count::{CountArgs, run_count};
use urne_tally::decrypt::DecryptArgs;
use urne_tally::keygen::KeygenArgs;
use urne_tally::next_round::NextRoundArgs;
use urne_tally::paper::PaperArgs;
use urne_tally::recensement::RecensementArgs;
use urne_tally::result::ResultArgs;
use urne_tally::show::ShowArgs;
use urne_tally::sign::SignArgs;
use urne_tally::sign_genesis::SignGenesisArgs;

/// Le programme du bureau de vote (bâtonnier et scrutateurs) : cérémonie des clés, scellement de
/// l'élection, déchiffrement, résultats et procès-verbal signé.
#[derive(Debug, Parser)]
#[command(name = "urne-tally", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Cérémonie des clés : créer votre fichier de clé, puis faire votre part de la cérémonie.
    Keygen(KeygenArgs),
    /// Sceller l'élection (bâtonnier) : vérifier l'acte de naissance préparé par l'ordre et le
    /// signer.
    SignGenesis(SignGenesisArgs),
    /// Après la clôture : vérifier toute l'archive puis produire votre déchiffrement partiel.
    Decrypt(DecryptArgs),
    /// Réunir les déchiffrements, compter les voix selon le décret et dresser le procès-verbal
    /// (JSON et PDF en deux exemplaires).
    Result(ResultArgs),
    /// Signer le procès-verbal avec votre clé.
    Sign(SignArgs),
    /// Afficher qui a signé le procès-verbal et qui doit encore le signer.
    Show(ShowArgs),
    /// Vote papier : enregistrer et signer les comptes d'un bureau de vote papier.
    Paper(PaperArgs),
    /// Préparer la définition du second tour à partir du procès-verbal signé du premier.
    NextRound(NextRoundArgs),
    /// Bureau du CNB : recensement général des votes à partir des procès-verbaux des barreaux.
    Recensement(RecensementArgs),
    /// Calculer un résultat à partir d'un fichier de comptes (TOML ou JSON) et l'afficher.
    Count(CountArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (name, outcome) = match cli.command {
        Command::Keygen(a) => ("keygen", urne_tally::keygen::run(&a)),
        Command::SignGenesis(a) => ("sign-genesis", urne_tally::sign_genesis::run(&a)),
        Command::Decrypt(a) => ("decrypt", urne_tally::decrypt::run(&a)),
        Command::Result(a) => ("result", urne_tally::result::run(&a)),
        Command::Sign(a) => ("sign", urne_tally::sign::run(&a)),
        Command::Show(a) => ("show", urne_tally::show::run(&a)),
        Command::Paper(a) => ("paper", urne_tally::paper::run(&a)),
        Command::NextRound(a) => ("next-round", urne_tally::next_round::run(&a)),
        Command::Recensement(a) => ("recensement", urne_tally::recensement::run(&a)),
        Command::Count(args) => {
            return match run_count(&args, &mut std::io::stdout().lock()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("urne-tally count : erreur : {e}");
                    ExitCode::from(e.exit_code())
                }
            };
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("urne-tally {name} : {e}");
            e.exit_code()
        }
    }
}
