//! Staff accounts (issue 5 §1): login, name, role, password kept as an argon2id PHC string,
//! failed attempts and lockout — the same protections as the electors' login (issue 4 §5): one
//! generic message whatever was wrong, a count of wrong passwords per account, a lockout after
//! too many, lifted by time or by a bâtonnier, and sessions whose cookie value the database never
//! sees (only its SHA-256).

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};
use sqlx::Row;
use zeroize::Zeroizing;

use super::{Actor, Admin, Done, Permission};
use crate::chain::now;
use crate::db::{Db, i, u};
use crate::error::{Error, Result};

/// A staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The secrétariat de l'ordre: prepares the election.
    Secretariat,
    /// The bâtonnier (or whom he delegates, art. 7): approves and seals.
    Batonnier,
    /// The command line on the server itself (whoever runs it holds the database and the keys).
    Console,
    /// A bureau member acting through the key ceremony relay, authenticated by the signature of
    /// each message (audit only: no staff right).
    Bureau,
}

impl Role {
    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            Role::Secretariat => "secretariat",
            Role::Batonnier => "batonnier",
            Role::Console => "console",
            Role::Bureau => "bureau",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Role::Secretariat => "secrétariat",
            Role::Batonnier => "bâtonnier",
            Role::Console => "console",
            Role::Bureau => "membre du bureau",
        }
    }

    /// Parses a stored or typed role (`secretariat`, `secrétariat`, `batonnier`, `bâtonnier`).
    pub fn parse(s: &str) -> Result<Role> {
        match s.trim().to_lowercase().as_str() {
            "secretariat" | "secrétariat" => Ok(Role::Secretariat),
            "batonnier" | "bâtonnier" => Ok(Role::Batonnier),
            other => Err(Error::BadRequest(format!(
                "rôle « {other} » inconnu : « secretariat » ou « batonnier » attendu"
            ))),
        }
    }

    /// Whether the role allows `p`.
    pub fn allows(self, p: Permission) -> bool {
        match p {
            Permission::Prepare => !matches!(self, Role::Bureau),
            Permission::Approve => matches!(self, Role::Batonnier | Role::Console),
        }
    }
}

/// The one message of a failed staff login.
pub const LOGIN_FAILED: &str = "Identifiant ou mot de passe incorrect.";

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// argon2id, m = 19 MiB, t = 2, p = 1 (the OWASP minimum for argon2id): a staff password is
/// chosen by a person, so unlike the electors' 115-bit codes its hash must be slow to guess.
fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, Some(32)).map_err(Error::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string of `password` with a fresh random salt from `rng`.
pub fn hash_password(password: &str, rng: &mut impl rand::CryptoRng) -> Result<String> {
    let mut salt = [0u8; 16];
    rng.fill_bytes(&mut salt);
    let h = hasher()?
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map_err(Error::internal)?;
    Ok(h.to_string())
}

/// Whether `password` matches the PHC string `stored`.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match hasher() {
        Ok(h) => h.verify_password(password.as_bytes(), stored).is_ok(),
        Err(_) => false,
    }
}

fn check_password_rules(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(Error::Refused(format!(
            "mot de passe trop court : {MIN_PASSWORD} caractères au moins"
        )));
    }
    Ok(())
}

fn check_login_name(login: &str) -> Result<()> {
    let ok = !login.is_empty()
        && login.len() <= 64
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if !ok || login == "console" {
        return Err(Error::Refused(format!(
            "identifiant « {login} » invalide : lettres, chiffres, « . », « - », « _ » ou « @ », \
             64 caractères au plus (« console » est réservé)"
        )));
    }
    Ok(())
}

/// A staff account as listed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StaffUser {
    /// Login.
    pub login: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Disabled (cannot log in).
    pub disabled: bool,
    /// Locked until (unix seconds), after too many wrong passwords.
    pub locked_until: Option<u64>,
}

/// Creates a staff account. The first account may be created by the console only; afterwards a
/// bâtonnier (or the console) creates the others.
pub async fn create_user(
    admin: &Admin,
    login: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<()> {
    admin
        .require(Permission::Approve, None, "compte.creation")
        .await?;
    let password = Zeroizing::new(password.to_owned());
    let r = async {
        check_login_name(login)?;
        if name.trim().is_empty() {
            return Err(Error::Refused("le nom du compte est vide".into()));
        }
        if matches!(role, Role::Console | Role::Bureau) {
            return Err(Error::Refused(format!(
                "le rôle « {} » ne s'attribue pas",
                role.label()
            )));
        }
        check_password_rules(&password)?;
        let exists = sqlx::query("SELECT 1 AS x FROM admin_users WHERE login = $1")
            .bind(login)
            .fetch_optional(admin.db.read())
            .await?;
        if exists.is_some() {
            return Err(Error::Refused(format!("le compte « {login} » existe déjà")));
        }
        let hash = hash_password(&password, &mut rand::rng())?;
        sqlx::query(
            "INSERT INTO admin_users (login, name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(login)
        .bind(name.trim())
        .bind(role.code())
        .bind(hash)
        .bind(i(now()))
        .execute(admin.db.write())
        .await?;
        Ok(Done::new(
            (),
            format!(
                "compte « {login} » créé : {} ({})",
                name.trim(),
                role.label()
            ),
        )
        .change(
            None,
            Some(format!("{login} ; {} ; {}", name.trim(), role.code())),
        ))
    }
    .await;
    admin.audited(None, "compte.creation", r).await
}

/// Sets a new password (and lifts the lockout).
pub async fn set_password(admin: &Admin, login: &str, password: &str) -> Result<()> {
    admin
        .require(Permission::Approve, None, "compte.mot_de_passe")
        .await?;
    let password = Zeroizing::new(password.to_owned());
    let r = async {
        check_password_rules(&password)?;
        let hash = hash_password(&password, &mut rand::rng())?;
        let done = sqlx::query(
            "UPDATE admin_users SET password_hash = $1, failed_logins = 0, locked_until = NULL \
             WHERE login = $2",
        )
        .bind(hash)
        .bind(login)
        .execute(admin.db.write())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(format!("compte « {login} » inconnu")));
        }
        Ok(Done::new(
            (),
            format!("mot de passe du compte « {login} » changé"),
        ))
    }
    .await;
    admin.audited(None, "compte.mot_de_passe", r).await
}

/// Disables (or re-enables) an account; its sessions end.
pub async fn set_disabled(admin: &Admin, login: &str, disabled: bool) -> Result<()> {
    admin
        .require(Permission::Approve, None, "compte.desactivation")
        .await?;
    let r = async {
        let at = disabled.then(|| i(now()));
        let done = sqlx::query("UPDATE admin_users SET disabled_at = $1 WHERE login = $2")
            .bind(at)
            .bind(login)
            .execute(admin.db.write())
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(format!("compte « {login} » inconnu")));
        }
        sqlx::query("DELETE FROM admin_sessions WHERE login = $1")
            .bind(login)
            .execute(admin.db.write())
            .await?;
        Ok(Done::new(
            (),
            if disabled {
                format!("compte « {login} » désactivé")
            } else {
                format!("compte « {login} » réactivé")
            },
        ))
    }
    .await;
    admin.audited(None, "compte.desactivation", r).await
}

/// Every account.
pub async fn list_users(db: &Db) -> Result<Vec<StaffUser>> {
    let rows = sqlx::query(
        "SELECT login, name, role, disabled_at, locked_until FROM admin_users ORDER BY login",
    )
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StaffUser {
                login: r.try_get("login")?,
                name: r.try_get("name")?,
                role: Role::parse(&r.try_get::<String, _>("role")?)?,
                disabled: r.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
                locked_until: r.try_get::<Option<i64>, _>("locked_until")?.map(u),
            })
        })
        .collect()
}

/// The account `login` as an [`Actor`], if it exists and is enabled.
pub async fn actor(db: &Db, login: &str) -> Result<Option<Actor>> {
    let row =
        sqlx::query("SELECT name, role FROM admin_users WHERE login = $1 AND disabled_at IS NULL")
            .bind(login)
            .fetch_optional(db.read())
            .await?;
    row.map(|r| {
        Ok(Actor {
            login: login.to_owned(),
            name: r.try_get("name")?,
            role: Role::parse(&r.try_get::<String, _>("role")?)?,
        })
    })
    .transpose()
}

/// The lockout rule of staff logins.
#[derive(Debug, Clone, Copy)]
pub struct Lockout {
    /// Consecutive wrong passwords before the account is locked.
    pub max_failures: u32,
    /// How long it stays locked.
    pub duration: std::time::Duration,
}

/// A PHC string of a password nobody has, verified when the login is unknown so that an unknown
/// login takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let mut b = [0u8; 32];
        rand::fill(&mut b);
        hash_password(&urne::encoding::hex(&b), &mut rand::rng()).unwrap_or_default()
    })
}

/// Checks a staff login. Every failure is [`LOGIN_FAILED`] (a locked account says so, with the
/// time, as for electors); failures are counted per account and audited.
pub async fn login(db: &Db, login: &str, password: &str, rule: Lockout) -> Result<Actor> {
    let password = Zeroizing::new(password.to_owned());
    let row = sqlx::query(
        "SELECT name, role, password_hash, disabled_at, locked_until FROM admin_users \
         WHERE login = $1",
    )
    .bind(login)
    .fetch_optional(db.read())
    .await?;
    let t = now();
    let failed = |why: &str| {
        tracing::info!(why, "connexion d'administration refusée");
        Error::Unauthorized(LOGIN_FAILED.into())
    };
    let Some(row) = row else {
        let _ = verify_password(&password, decoy_hash());
        log_login(db, login, false, "identifiant inconnu").await?;
        return Err(failed("identifiant inconnu"));
    };
    if let Some(until) = row.try_get::<Option<i64>, _>("locked_until")?.map(u)
        && until > t
    {
        log_login(db, login, false, "compte verrouillé").await?;
        return Err(Error::TooManyAttempts(format!(
            "Trop de tentatives infructueuses : ce compte est verrouillé jusqu'à {} (un bâtonnier \
             peut le déverrouiller).",
            crate::frtime::hour(until)
        )));
    }
    let stored: String = row.try_get("password_hash")?;
    let ok = verify_password(&password, &stored);
    let disabled = row.try_get::<Option<i64>, _>("disabled_at")?.is_some();
    if !ok || disabled {
        if !ok {
            sqlx::query(
                "UPDATE admin_users SET failed_logins = failed_logins + 1, \
                 locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END \
                 WHERE login = $3",
            )
            .bind(i64::from(rule.max_failures.max(1)))
            .bind(i(t + rule.duration.as_secs()))
            .bind(login)
            .execute(db.write())
            .await?;
        }
        let why = if disabled {
            "compte désactivé"
        } else {
            "mot de passe incorrect"
        };
        log_login(db, login, false, why).await?;
        return Err(failed(why));
    }
    sqlx::query("UPDATE admin_users SET failed_logins = 0, locked_until = NULL WHERE login = $1")
        .bind(login)
        .execute(db.write())
        .await?;
    let actor = Actor {
        login: login.to_owned(),
        name: row.try_get("name")?,
        role: Role::parse(&row.try_get::<String, _>("role")?)?,
    };
    log_login(db, login, true, "connexion").await?;
    Ok(actor)
}

async fn log_login(db: &Db, login: &str, ok: bool, why: &str) -> Result<()> {
    let who = Actor {
        login: login.to_owned(),
        name: login.to_owned(),
        role: Role::Secretariat,
    };
    super::audit::record(
        db,
        &super::audit::Entry {
            actor: &who,
            election: None,
            action: "connexion",
            outcome: if ok {
                super::audit::Outcome::Done
            } else {
                super::audit::Outcome::Refused
            },
            summary: why,
            before: None,
            after: None,
        },
    )
    .await
}

/// Lifts the lockout of a staff account.
pub async fn unlock_user(admin: &Admin, login: &str) -> Result<()> {
    admin
        .require(Permission::Approve, None, "compte.deverrouillage")
        .await?;
    let r = async {
        let done = sqlx::query(
            "UPDATE admin_users SET failed_logins = 0, locked_until = NULL WHERE login = $1",
        )
        .bind(login)
        .execute(admin.db.write())
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(format!("compte « {login} » inconnu")));
        }
        Ok(Done::new((), format!("compte « {login} » déverrouillé")))
    }
    .await;
    admin.audited(None, "compte.deverrouillage", r).await
}

fn id_hash(value: &str) -> Vec<u8> {
    Sha256::digest(value.as_bytes()).to_vec()
}

/// Creates a staff session and returns its cookie value.
pub async fn create_session(db: &Db, login: &str, lifetime: std::time::Duration) -> Result<String> {
    let value = crate::web::session::random_value();
    let t = now();
    sqlx::query(
        "INSERT INTO admin_sessions (id_hash, login, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id_hash(&value))
    .bind(login)
    .bind(i(t))
    .bind(i(t + lifetime.as_secs()))
    .execute(db.write())
    .await?;
    sqlx::query("DELETE FROM admin_sessions WHERE expires_at < $1")
        .bind(i(t))
        .execute(db.write())
        .await?;
    Ok(value)
}

/// The account of a session cookie value, if the session is valid and the account enabled.
pub async fn session_actor(db: &Db, value: &str) -> Result<Option<Actor>> {
    if value.len() != 64 || urne::encoding::unhex(value).is_err() {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT s.login, s.expires_at, u.name, u.role FROM admin_sessions s \
         JOIN admin_users u ON u.login = s.login \
         WHERE s.id_hash = $1 AND u.disabled_at IS NULL",
    )
    .bind(id_hash(value))
    .fetch_optional(db.read())
    .await?;
    let Some(row) = row else { return Ok(None) };
    if u(row.try_get("expires_at")?) <= now() {
        return Ok(None);
    }
    Ok(Some(Actor {
        login: row.try_get("login")?,
        name: row.try_get("name")?,
        role: Role::parse(&row.try_get::<String, _>("role")?)?,
    }))
}

/// Ends a staff session.
pub async fn end_session(db: &Db, value: &str) -> Result<()> {
    sqlx::query("DELETE FROM admin_sessions WHERE id_hash = $1")
        .bind(id_hash(value))
        .execute(db.write())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn a_password_hash_is_an_argon2id_phc_string_that_verifies_only_its_password() {
        let h = hash_password("correct horse battery", &mut rand::rng()).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
        assert!(!verify_password("x", "not a phc string"));
        let h2 = hash_password("correct horse battery", &mut rand::rng()).unwrap();
        assert_ne!(h, h2, "a fresh salt each time");
    }

    #[test]
    fn a_role_parses_with_or_without_accents_and_only_the_batonnier_approves() {
        assert_eq!(Role::parse("Bâtonnier").unwrap(), Role::Batonnier);
        assert_eq!(Role::parse("secretariat").unwrap(), Role::Secretariat);
        assert!(Role::parse("admin").is_err());
        assert!(!Role::Secretariat.allows(Permission::Approve));
        assert!(Role::Secretariat.allows(Permission::Prepare));
        assert!(Role::Batonnier.allows(Permission::Approve));
    }
}
