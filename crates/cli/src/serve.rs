//! `kundenwert serve`: starts the web workbench on the workspace. With `--demo` on a workspace
//! without transactions it first brings the demo company (its export, an example chain and a
//! focus plan); without any user it creates a first administrator and prints the login.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use kundenwert_store::{Accounts, Role, Workspace};
use kundenwert_text as text;

use crate::output::outln;
use crate::{resolve_lang, LangArg, UserError};

/// Arguments of `kundenwert serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    bind: SocketAddr,

    /// Mark the session cookie `Secure` (when a proxy serves the workbench over HTTPS).
    #[arg(long)]
    secure_cookies: bool,

    /// When the workspace holds no transactions yet: store the demo company (a German ERP
    /// export of 5,000 customers), an example chain and a focus plan first.
    #[arg(long)]
    demo: bool,

    /// Language of messages: de or en (default: from LANG).
    #[arg(long, value_enum, env = "KUNDENWERT_LANG")]
    lang: Option<LangArg>,
}

/// The first administrator's name.
const FIRST_ADMIN: &str = "admin";

pub fn run(args: Args) -> Result<()> {
    let lang = resolve_lang(args.lang);
    let path = crate::workspace::path();
    if args.demo {
        let empty = crate::workspace::open(lang)?
            .transaction_count()
            .map_err(|e| crate::workspace::store_error(&e, lang))?
            == 0;
        if empty {
            crate::demo::bring_demo(lang)?;
        }
    }
    let mut store = crate::workspace::open(lang)?;
    let users = store
        .user_count()
        .map_err(|e| crate::workspace::store_error(&e, lang))?;
    if users == 0 {
        let password = kundenwert_server::generate_password()?;
        kundenwert_server::add_user(&mut store, FIRST_ADMIN, Role::Admin, &password, lang)
            .map_err(|e| UserError::input(e.to_string(), None))?;
        outln!(
            "{}",
            text::web_serve_first_admin(lang, FIRST_ADMIN, password)
        );
    }
    drop(store);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    let config = kundenwert_server::Config {
        workspace: path,
        bind: args.bind,
        secure_cookies: args.secure_cookies,
    };
    runtime
        .block_on(kundenwert_server::serve(config, |addr| {
            // A closed stdout must not stop the server: the address is only a courtesy.
            let _ = crate::output::print(format_args!(
                "{}\n",
                text::web_serve_listening(lang, format!("http://{addr}/"))
            ));
        }))
        .map_err(|e| UserError::input(e.to_string(), None))?;
    Ok(())
}
