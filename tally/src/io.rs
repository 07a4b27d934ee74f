//! Files, passphrases and progress bars shared by the subcommands.

use crate::error::{TallyResult, cannot};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::Path;
use urne::keystore::{KdfParams, KeyFile, MemberKey};
use zeroize::Zeroizing;

/// Environment variable holding the passphrase, for scripted use (tests, automation). On a
/// terminal the passphrase is asked for, without echo.
pub const PASSPHRASE_ENV: &str = "URNE_PASSPHRASE";

/// Reads a whole text file; the error names the file.
pub fn read_text(path: &Path) -> TallyResult<String> {
    std::fs::read_to_string(path)
        .map_err(|e| cannot(format!("{} : lecture impossible : {e}", path.display())))
}

/// Reads a whole file; the error names the file.
pub fn read_bytes(path: &Path) -> TallyResult<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| cannot(format!("{} : lecture impossible : {e}", path.display())))
}

/// Writes a file atomically (a temporary file in the same folder, then renamed), so that an
/// interrupted write never leaves half a key file or half a PV.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> TallyResult<()> {
    let err = |e: std::io::Error| cannot(format!("{} : écriture impossible : {e}", path.display()));
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp).map_err(err)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Key files and everything beside them: readable by their owner only.
            if name.ends_with(".urnekey") {
                f.set_permissions(std::fs::Permissions::from_mode(0o600))
                    .map_err(err)?;
            }
        }
        f.write_all(bytes).map_err(err)?;
        f.sync_all().map_err(err)?;
    }
    std::fs::rename(&tmp, path).map_err(err)
}

/// Asks for the passphrase (or reads [`PASSPHRASE_ENV`]). With `confirm`, asks twice.
pub fn passphrase(prompt: &str, confirm: bool) -> TallyResult<Zeroizing<String>> {
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        return Ok(Zeroizing::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(cannot(format!(
            "phrase secrète requise : lancer la commande dans un terminal, ou donner la phrase dans la variable d'environnement {PASSPHRASE_ENV}"
        )));
    }
    let first = Zeroizing::new(
        rpassword::prompt_password(format!("{prompt} : "))
            .map_err(|e| cannot(format!("lecture de la phrase secrète impossible : {e}")))?,
    );
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password("Confirmez la phrase secrète : ")
                .map_err(|e| cannot(format!("lecture de la phrase secrète impossible : {e}")))?,
        );
        if *first != *again {
            return Err(cannot("les deux phrases secrètes diffèrent"));
        }
    }
    Ok(first)
}

/// Reads and opens a key file (asks for the passphrase). Returns the passphrase too, so that a
/// step that changes the key can seal it again under the same passphrase.
pub fn open_key(path: &Path) -> TallyResult<(KeyFile, MemberKey, Zeroizing<String>)> {
    let text = read_text(path)?;
    let file =
        KeyFile::from_json(&text).map_err(|e| cannot(format!("{} : {e}", path.display())))?;
    let pass = passphrase(
        &format!("Phrase secrète du fichier de clé {}", path.display()),
        false,
    )?;
    let key = file.open(&pass).map_err(|e| {
        let t: crate::error::TallyError = e.into();
        match t {
            crate::error::TallyError::Refused(m) => {
                crate::error::refused(format!("{} : {m}", path.display()))
            }
            crate::error::TallyError::CannotRun(m) => cannot(format!("{} : {m}", path.display())),
        }
    })?;
    Ok((file, key, pass))
}

/// Seals `key` under `pass` and writes it to `path` (atomically, owner-only).
pub fn save_key(path: &Path, key: &MemberKey, pass: &str) -> TallyResult<()> {
    let file = key.seal(pass, KdfParams::DEFAULT, &mut rand::rng())?;
    write_atomic(path, file.to_json().as_bytes())
}

/// A progress bar over `len` units, drawn only when standard error is a terminal.
pub fn progress(len: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{what} [{{bar:40}}] {{percent:>3}} % ({{eta}} restantes)"
    )) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Prints `value` as pretty JSON on standard output.
pub fn print_json(value: &impl serde::Serialize) -> TallyResult<()> {
    let s = serde_json::to_string_pretty(value).map_err(|e| cannot(e.to_string()))?;
    println!("{s}");
    Ok(())
}
