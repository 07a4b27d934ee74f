//! The server's two signing keys (plan D5): the **server key** signs chain heads and receipts;
//! the **ordre key** signs proxies, reissues and the close. Both are ed25519 seeds kept in files
//! of the data directory (or at paths given by flag or environment), created on first start with
//! mode 0600, and shared by every server instance of one election (several processes on one
//! PostgreSQL must sign with the same keys, since the genesis names them).
//!
//! File format: the 32-byte seed as 64 lower-case hexadecimal characters and a newline.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use urne::board::PublicKey;
use urne::encoding::{Hash32, tagged_hash, unhex};
use zeroize::Zeroizing;

/// A key file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Reading or creating the file failed.
    #[error("fichier de clé {path} : {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file does not hold a key.
    #[error("fichier de clé {path} : {what}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
}

/// The keys the server signs with.
#[derive(Clone)]
pub struct ServerKeys {
    /// Signs heads and receipts (`genesis.server_public_key`).
    pub server: SigningKey,
    /// Signs proxies, reissues, the close (`genesis.ordre_public_key`).
    pub ordre: SigningKey,
}

impl std::fmt::Debug for ServerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerKeys")
            .field("server", &PublicKey::of(&self.server))
            .field("ordre", &PublicKey::of(&self.ordre))
            .finish()
    }
}

impl ServerKeys {
    /// Loads both keys, creating each missing file with a fresh key.
    pub fn load_or_create(server: &Path, ordre: &Path) -> Result<Self, KeyError> {
        Ok(ServerKeys {
            server: load_or_create(server)?,
            ordre: load_or_create(ordre)?,
        })
    }

    /// The key that authenticates the server's own cookies and CSRF tokens, derived from the
    /// server key so that every instance behind a load balancer shares it without another file.
    pub fn cookie_key(&self) -> Zeroizing<[u8; 32]> {
        let seed = Zeroizing::new(self.server.to_bytes());
        Zeroizing::new(tagged_hash("URNE-V1-server-cookie-key", &[seed.as_slice()]).0)
    }

    /// Public key of the server key.
    pub fn server_public(&self) -> PublicKey {
        PublicKey::of(&self.server)
    }

    /// Public key of the ordre key.
    pub fn ordre_public(&self) -> PublicKey {
        PublicKey::of(&self.ordre)
    }
}

/// Reads the key of `path`, or creates the file (mode 0600, parent directories included) with a
/// fresh random key. An existing file readable by others than its owner is refused.
pub fn load_or_create(path: &Path) -> Result<SigningKey, KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let text = Zeroizing::new(text);
            check_permissions(path)?;
            let bytes = Zeroizing::new(unhex(text.trim()).map_err(|what| KeyError::Invalid {
                path: path.to_owned(),
                what,
            })?);
            let seed: [u8; 32] = bytes.as_slice().try_into().map_err(|_| KeyError::Invalid {
                path: path.to_owned(),
                what: format!("32 octets attendus, {} lus", bytes.len()),
            })?;
            let seed = Zeroizing::new(seed);
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                create_private_dir(parent).map_err(io)?;
            }
            let mut seed = Zeroizing::new([0u8; 32]);
            rand::fill(seed.as_mut_slice());
            let key = SigningKey::from_bytes(&seed);
            let hex = Zeroizing::new(urne::encoding::hex(seed.as_slice()) + "\n");
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut f = options.open(path).map_err(io)?;
            f.write_all(hex.as_bytes()).map_err(io)?;
            f.sync_all().map_err(io)?;
            tracing::info!(
                path = %path.display(),
                public_key = %PublicKey::of(&key),
                "clé créée"
            );
            Ok(key)
        }
        Err(e) => Err(io(e)),
    }
}

/// Creates the data directory (and its parents) if it is missing, readable by its owner only: it
/// holds the database (émargement, login tokens' hashes) and the keys. An existing directory is
/// left as the operator set it up (docs/deployment.md).
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(unix)]
fn check_permissions(path: &Path) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|source| KeyError::Io {
            path: path.to_owned(),
            source,
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(KeyError::Invalid {
            path: path.to_owned(),
            what: format!(
                "permissions {:o} trop larges : le fichier ne doit être lisible que par son \
                 propriétaire (chmod 600)",
                mode & 0o777
            ),
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path) -> Result<(), KeyError> {
    Ok(())
}

/// SHA-256 of the running binary (`genesis.server_build`, DESIGN §3 "Sealing"), so that the
/// genesis names the exact build that runs the vote.
pub fn server_build_hash() -> Result<Hash32, std::io::Error> {
    use sha2::{Digest, Sha256};
    // /proc/self/exe opens the running binary even after its file was replaced (an upgrade
    // installed while the server runs), where current_exe() names a deleted path.
    #[cfg(target_os = "linux")]
    let mut f = std::fs::File::open("/proc/self/exe")
        .or_else(|_| std::fs::File::open(std::env::current_exe()?))?;
    #[cfg(not(target_os = "linux"))]
    let mut f = std::fs::File::open(std::env::current_exe()?)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = std::io::Read::read(&mut f, &mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(Hash32(h.finalize().into()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let mut b = [0u8; 8];
        rand::fill(&mut b);
        std::env::temp_dir().join(format!("urne-keys-{}-{name}", urne::encoding::hex(&b)))
    }

    #[test]
    fn a_missing_data_directory_is_created_for_its_owner_only_and_an_existing_one_left_alone() {
        let dir = tmp("data");
        create_private_dir(&dir).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir), 0o700);
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
            create_private_dir(&dir).unwrap();
            assert_eq!(mode(&dir), 0o750, "the operator's own setting is kept");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_key_file_is_created_private_and_read_back_identically() {
        let dir = tmp("dir");
        let path = dir.join("sub").join("server.key");
        let a = load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let b = load_or_create(&path).unwrap();
        assert_eq!(a.to_bytes(), b.to_bytes());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let path = tmp("open.key");
        load_or_create(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = load_or_create(&path).unwrap_err();
        assert!(e.to_string().contains("chmod 600"), "{e}");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_key_file_that_is_not_a_key_is_refused_with_its_path() {
        let path = tmp("bad.key");
        std::fs::write(&path, "zz\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let e = load_or_create(&path).unwrap_err();
        assert!(e.to_string().contains(&path.display().to_string()), "{e}");
        std::fs::remove_file(path).unwrap();
    }
}
