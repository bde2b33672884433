//! `saraban keys`: API keys of the register, made and revoked on the machine
//! that holds the database. A key belongs to one agency and opens only that
//! agency's register; its secret is printed once and stored only as a hash.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::{DB_ENV, RegisterStore};
use crate::agency::Agencies;

/// Options of `saraban keys`.
#[derive(Debug, Clone, clap::Args)]
pub struct KeysArgs {
    /// The register's database file or `postgres://` URL (the one `saraban
    /// serve --db` uses).
    #[arg(long, env = DB_ENV, global = true)]
    pub db: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: KeysCommand,
}

/// The `keys` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum KeysCommand {
    /// Create a key for an agency; prints its secret once (on standard output).
    Add {
        /// The agency's profile id (`khonkaen-province`).
        agency: String,
        /// Who or what uses the key.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List an agency's keys, revoked ones included.
    List {
        /// The agency's profile id.
        agency: String,
    },
    /// Revoke a key by its id (`key_...`); it opens nothing after.
    Revoke {
        /// The key's id.
        id: String,
    },
}

/// Runs a `keys` subcommand against the database, checking agencies against
/// `agencies` (the built-in profiles and `--agencies`).
pub fn run(args: &KeysArgs, agencies: &Agencies) -> anyhow::Result<()> {
    let db = args.db.as_deref().with_context(|| {
        format!("no register database: give --db PATH (or set {DB_ENV}), the file saraban serve --db uses")
    })?;
    match &args.command {
        KeysCommand::Add { agency, label } => {
            if agencies.get(agency).is_none() {
                let known: Vec<&str> = agencies.iter().map(|(id, _)| id.as_str()).collect();
                bail!(
                    "unknown agency '{agency}' (known: {}; add profiles with --agencies DIR)",
                    known.join(", ")
                );
            }
            let register = open(db)?;
            let (key, secret) = register.create_key(agency, label)?;
            eprintln!(
                "created {} for {} in {}; the secret below is shown only now:",
                key.id,
                key.agency,
                super::describe_store(db)
            );
            println!("{secret}");
        }
        KeysCommand::List { agency } => {
            let register = open(db)?;
            let keys = register.keys(agency)?;
            if keys.is_empty() {
                eprintln!("{agency} has no keys");
            }
            for key in keys {
                let state = match &key.revoked_at {
                    Some(at) => format!("revoked {at}"),
                    None => "active".to_string(),
                };
                println!("{}\t{}\t{}\t{}", key.id, key.created_at, state, key.label);
            }
        }
        KeysCommand::Revoke { id } => {
            let register = open(db)?;
            let key = register.revoke_key(id)?;
            println!(
                "{} of {} revoked at {}",
                key.id,
                key.agency,
                key.revoked_at.as_deref().unwrap_or_default()
            );
        }
    }
    Ok(())
}

fn open(db: &Path) -> anyhow::Result<std::sync::Arc<dyn RegisterStore>> {
    super::open_store(db).with_context(|| format!("register {}", super::describe_store(db)))
}
