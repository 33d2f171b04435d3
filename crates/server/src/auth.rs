//! Who is asking: local accounts with Argon2id password hashes, sessions and API tokens.
//!
//! A session is a random 32-byte token in an HttpOnly, `SameSite=Lax` cookie; the workspace
//! keeps only its SHA-256, so a stolen database file opens no session. Sessions end after
//! [`IDLE_SECS`] without use and [`ABSOLUTE_SECS`] after login, whichever comes first. An API
//! token (`kw_…`) is shown once, stored as its SHA-256 and sent as `Authorization: Bearer`.
//! Failed logins are throttled per user name and per address ([`Throttle`]).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use kundenwert_store::{Accounts, ApiTokenInfo, Role, StoreError, User};
use sha2::{Digest, Sha256};

/// The session cookie.
pub const SESSION_COOKIE: &str = "kw_session";
/// A session unused this long ends (8 hours).
pub const IDLE_SECS: i64 = 8 * 3600;
/// A session ends this long after login whatever happens (7 days).
pub const ABSOLUTE_SECS: i64 = 7 * 24 * 3600;
/// Failed logins allowed within [`THROTTLE_WINDOW`] before a name or address waits.
pub const THROTTLE_FAILURES: u32 = 5;
/// The window failures are counted in.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// How long a throttled name or address waits.
pub const THROTTLE_WAIT: Duration = Duration::from_secs(60);
/// The start of every API token.
pub const TOKEN_PREFIX: &str = "kw_";
/// The shortest password `user add` accepts.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Why an account cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The workspace failed (e.g. the name is taken).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The password is too short.
    #[error("{}", kundenwert_text::web_password_too_short(*lang, MIN_PASSWORD_CHARS))]
    PasswordTooShort {
        /// Language of the message.
        lang: kundenwert_core::Lang,
    },
    /// The user name is empty or has characters a name may not have.
    #[error("{}", kundenwert_text::web_user_name_invalid(*lang, name))]
    InvalidName {
        /// The name.
        name: String,
        /// Language of the message.
        lang: kundenwert_core::Lang,
    },
    /// No such user.
    #[error("{}", kundenwert_text::web_no_such_user(*lang, name))]
    NoSuchUser {
        /// The name.
        name: String,
        /// Language of the message.
        lang: kundenwert_core::Lang,
    },
    /// Hashing failed (no randomness).
    #[error("{0}")]
    Hash(String),
}

/// Random bytes from the operating system.
///
/// # Errors
/// When the system has no randomness to give.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AuthError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a token's text: what the workspace keeps of a session or API token.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// An Argon2id hash (PHC string) of `password` with a fresh salt.
///
/// # Errors
/// When the system has no randomness.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| AuthError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// A fixed hash checked when the user name is unknown, so that an unknown name takes as long
/// as a wrong password (no user enumeration by timing).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::encode_b64(b"kundenwert-dummy").expect("a 16-byte salt encodes");
        Argon2::default()
            .hash_password(b"no such user", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The user `name` when `password` is theirs; the same work is done for an unknown name.
///
/// # Errors
/// On a database failure.
pub fn check_login(
    store: &impl Accounts,
    name: &str,
    password: &str,
) -> Result<Option<User>, StoreError> {
    Ok(match store.user_with_hash(name.trim())? {
        Some((user, hash)) => verify_password(password, &hash).then_some(user),
        None => {
            let _ = verify_password(password, dummy_hash());
            None
        }
    })
}

/// Whether a user name is acceptable: 1–64 characters, letters, digits, `.`, `_`, `-`, `@`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

/// Adds a local account with an Argon2id hash of `password`.
///
/// # Errors
/// On an invalid name, a short password or a taken name.
pub fn add_user(
    store: &mut impl Accounts,
    name: &str,
    role: Role,
    password: &str,
    lang: kundenwert_core::Lang,
) -> Result<User, AuthError> {
    if !valid_name(name) {
        return Err(AuthError::InvalidName {
            name: name.to_owned(),
            lang,
        });
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AuthError::PasswordTooShort { lang });
    }
    let hash = hash_password(password)?;
    Ok(store.add_user(name, role, &hash)?)
}

/// A readable random password for a first login (20 characters from an unambiguous alphabet).
///
/// # Errors
/// When the system has no randomness.
pub fn generate_password() -> Result<String, AuthError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    Ok(random_bytes::<20>()?
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// Creates an API token `name` for user `user`; returns its record and the token itself (shown
/// once, never stored).
///
/// # Errors
/// On an unknown user, a taken token name or a database failure.
pub fn create_token(
    store: &mut impl Accounts,
    user: &str,
    name: &str,
    lang: kundenwert_core::Lang,
) -> Result<(ApiTokenInfo, String), AuthError> {
    let Some((owner, _)) = store.user_with_hash(user)? else {
        return Err(AuthError::NoSuchUser {
            name: user.to_owned(),
            lang,
        });
    };
    let token = format!("{TOKEN_PREFIX}{}", hex(&random_bytes::<32>()?));
    let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let info = store.create_token(owner.id, name, &prefix, &token_hash(&token))?;
    Ok((info, token))
}

/// A new session token (the cookie's value) and its hash (what is stored).
///
/// # Errors
/// When the system has no randomness.
pub fn new_session_token() -> Result<(String, [u8; 32]), AuthError> {
    let token = hex(&random_bytes::<32>()?);
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// How the asking user proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A session cookie (writing requests are checked for cross-site origin).
    Session,
    /// An API token.
    Token,
}

/// The user a request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The user.
    pub user: User,
    /// How.
    pub via: Via,
}

/// Failed logins per user name and per address, in memory: a restart forgets them, which only
/// costs an attacker's next minute.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: HashMap<String, (u32, Instant)>,
}

impl Throttle {
    /// Whether `key` must wait before trying again: [`THROTTLE_FAILURES`] failures, each
    /// within [`THROTTLE_WINDOW`] of the one before, and the last less than [`THROTTLE_WAIT`]
    /// ago.
    pub fn blocked(&self, key: &str, now: Instant) -> bool {
        self.failures.get(key).is_some_and(|&(n, last)| {
            n >= THROTTLE_FAILURES && now.saturating_duration_since(last) < THROTTLE_WAIT
        })
    }

    /// Counts a failed login for `key`.
    pub fn failed(&mut self, key: &str, now: Instant) {
        let entry = self.failures.entry(key.to_owned()).or_insert((0, now));
        if now.saturating_duration_since(entry.1) > THROTTLE_WINDOW {
            entry.0 = 0;
        }
        entry.0 += 1;
        entry.1 = now;
        if self.failures.len() > 100_000 {
            self.failures
                .retain(|_, (_, last)| now.saturating_duration_since(*last) < THROTTLE_WINDOW);
        }
    }

    /// Forgets `key`'s failures after a successful login.
    pub fn succeeded(&mut self, key: &str) {
        self.failures.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_session_token().unwrap();
        let (b, hb) = new_session_token().unwrap();
        assert_ne!(a, b);
        assert_ne!(ha, hb);
        assert_eq!(token_hash(&a), ha);
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn names_are_checked() {
        for ok in ["anna", "a.b-c_d@firma.de", "Jörg"] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["", "a b", "<script>", &"x".repeat(65)] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn the_throttle_blocks_after_five_failures_for_a_minute() {
        let mut t = Throttle::default();
        let start = Instant::now();
        for i in 0..THROTTLE_FAILURES {
            assert!(!t.blocked("anna", start), "blocked after {i}");
            t.failed("anna", start);
        }
        assert!(t.blocked("anna", start));
        assert!(t.blocked("anna", start + Duration::from_secs(59)));
        assert!(!t.blocked("anna", start + Duration::from_secs(61)));
        assert!(!t.blocked("bert", start));
        t.succeeded("anna");
        assert!(!t.blocked("anna", start));
    }
}
