//! `kundenwert user` and `kundenwert token`: the web workbench's local accounts and API tokens.
//! Passwords are read from stdin (never from the command line, where other users and the shell
//! history would see them); a token is printed once, as the last line.

use std::io::Read;

use anyhow::Result;
use kundenwert_store::{Accounts, Role};
use kundenwert_text as text;

use crate::output::outln;
use crate::{resolve_lang, LangArg, UserError};

/// Arguments of `kundenwert user`.
#[derive(Debug, clap::Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,

    /// Language of messages: de or en (default: from LANG).
    #[arg(long, value_enum, global = true, env = "KUNDENWERT_LANG")]
    lang: Option<LangArg>,
}

#[derive(Debug, clap::Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from stdin (first line).
    Add {
        /// User name.
        name: String,
        /// Role: viewer (reads), editor (also changes chains, plans, imports), admin (also
        /// settings, users, tokens).
        #[arg(long, value_parser = parse_role, default_value = "viewer")]
        role: Role,
    },
    /// Set a user's password (read from stdin).
    Passwd {
        /// User name.
        name: String,
    },
    /// Change a user's role.
    Role {
        /// User name.
        name: String,
        /// New role.
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// List the users.
    List,
    /// Remove a user (its sessions and tokens end).
    Rm {
        /// User name.
        name: String,
    },
}

/// Arguments of `kundenwert token`.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    command: TokenCommand,

    /// Language of messages: de or en (default: from LANG).
    #[arg(long, value_enum, global = true, env = "KUNDENWERT_LANG")]
    lang: Option<LangArg>,
}

#[derive(Debug, clap::Subcommand)]
enum TokenCommand {
    /// Create an API token; it is printed once, as the last line (`Authorization: Bearer …`).
    Create {
        /// Name of the token (what it is for).
        name: String,
        /// The user whose role the token carries (default: the first administrator).
        #[arg(long)]
        user: Option<String>,
    },
    /// List the tokens (never the tokens themselves).
    List,
    /// Revoke a token by its id (from `token list`).
    Revoke {
        /// Id.
        id: i64,
    },
}

fn parse_role(s: &str) -> std::result::Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("`{s}` is not a role (viewer, editor, admin)"))
}

/// The password from stdin: its first line without the line break.
fn read_password(lang: kundenwert_core::Lang) -> Result<String> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let password = input.lines().next().unwrap_or("").to_owned();
    if password.is_empty() {
        return Err(UserError::usage(
            text::web_password_missing(lang).to_owned(),
            Some(text::web_password_missing_hint(lang).to_owned()),
        )
        .into());
    }
    Ok(password)
}

pub fn run_user(args: UserArgs) -> Result<()> {
    let lang = resolve_lang(args.lang);
    let mut store = crate::workspace::open(lang)?;
    let store_err = |e: kundenwert_store::StoreError| crate::workspace::store_error(&e, lang);
    match args.command {
        UserCommand::Add { name, role } => {
            let password = read_password(lang)?;
            let user = kundenwert_server::add_user(&mut store, &name, role, &password, lang)
                .map_err(|e| auth_error(e, lang))?;
            store
                .audit("cli", "user.add", &user.name, role.as_str())
                .map_err(store_err)?;
            outln!("{}", text::web_user_added(lang, &user.name, role.as_str()));
        }
        UserCommand::Passwd { name } => {
            let password = read_password(lang)?;
            if password.chars().count() < kundenwert_server::auth::MIN_PASSWORD_CHARS {
                return Err(auth_error(
                    kundenwert_server::AuthError::PasswordTooShort { lang },
                    lang,
                ));
            }
            let hash = kundenwert_server::auth::hash_password(&password)
                .map_err(|e| auth_error(e, lang))?;
            if !store.set_password(&name, &hash).map_err(store_err)? {
                return Err(auth_error(
                    kundenwert_server::AuthError::NoSuchUser { name, lang },
                    lang,
                ));
            }
            store
                .audit("cli", "user.passwd", &name, "")
                .map_err(store_err)?;
            outln!("{}", text::web_user_password_set(lang, &name));
        }
        UserCommand::Role { name, role } => {
            if !store.set_role(&name, role).map_err(store_err)? {
                return Err(auth_error(
                    kundenwert_server::AuthError::NoSuchUser { name, lang },
                    lang,
                ));
            }
            store
                .audit("cli", "user.role", &name, role.as_str())
                .map_err(store_err)?;
            outln!("{}", text::web_user_role_set(lang, &name, role.as_str()));
        }
        UserCommand::List => {
            for user in store.users().map_err(store_err)? {
                outln!("{}\t{}\t{}", user.name, user.role.as_str(), user.created_at);
            }
        }
        UserCommand::Rm { name } => {
            if !store.delete_user(&name).map_err(store_err)? {
                return Err(auth_error(
                    kundenwert_server::AuthError::NoSuchUser { name, lang },
                    lang,
                ));
            }
            store
                .audit("cli", "user.rm", &name, "")
                .map_err(store_err)?;
            outln!("{}", text::web_user_removed(lang, &name));
        }
    }
    Ok(())
}

pub fn run_token(args: TokenArgs) -> Result<()> {
    let lang = resolve_lang(args.lang);
    let mut store = crate::workspace::open(lang)?;
    let store_err = |e: kundenwert_store::StoreError| crate::workspace::store_error(&e, lang);
    match args.command {
        TokenCommand::Create { name, user } => {
            let user = match user {
                Some(u) => u,
                None => store
                    .users()
                    .map_err(store_err)?
                    .into_iter()
                    .find(|u| u.role == Role::Admin)
                    .map(|u| u.name)
                    .ok_or_else(|| {
                        UserError::usage(
                            text::web_token_no_admin(lang).to_owned(),
                            Some(text::web_token_no_admin_hint(lang).to_owned()),
                        )
                    })?,
            };
            let (info, token) = kundenwert_server::create_token(&mut store, &user, &name, lang)
                .map_err(|e| auth_error(e, lang))?;
            store
                .audit("cli", "token.create", &info.name, &info.user)
                .map_err(store_err)?;
            outln!("{}", text::web_token_created(lang, &info.name, &info.user));
            outln!("{token}");
        }
        TokenCommand::List => {
            for t in store.tokens().map_err(store_err)? {
                outln!(
                    "{}\t{}\t{}\t{}…\t{}\t{}",
                    t.id,
                    t.name,
                    t.user,
                    t.prefix,
                    t.created_at,
                    t.last_used.as_deref().unwrap_or("-")
                );
            }
        }
        TokenCommand::Revoke { id } => {
            if !store.revoke_token(id).map_err(store_err)? {
                return Err(UserError::usage(text::web_token_no_such(lang, id), None).into());
            }
            store
                .audit("cli", "token.revoke", &id.to_string(), "")
                .map_err(store_err)?;
            outln!("{}", text::web_token_revoked(lang, id));
        }
    }
    Ok(())
}

/// An account error as a user error: a store failure with its hint, else the message (whose
/// second line, when it has one, is the hint).
fn auth_error(e: kundenwert_server::AuthError, lang: kundenwert_core::Lang) -> anyhow::Error {
    match e {
        kundenwert_server::AuthError::Store(e) => crate::workspace::store_error(&e, lang),
        other => {
            let text = other.to_string();
            let (message, hint) = match text.split_once("\nhint: ") {
                Some((m, h)) => (m.to_owned(), Some(h.to_owned())),
                None => (text, None),
            };
            UserError::usage(message, hint).into()
        }
    }
}
