//! The command line: `exosphere [serve|migrate|indexer|rebuild|backup|health|openapi]`.

use clap::{Parser, Subcommand};
use exosphere_core::Config;

/// Exosphere: modular community tools on the AT Protocol.
#[derive(Debug, Parser)]
#[command(name = "exosphere", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do (default: serve).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the web app (the default).
    Serve,
    /// Create the database if needed, apply migrations, and exit.
    Migrate,
    /// Print the OpenAPI document of the XRPC API.
    Openapi,
    /// Run only the Jetstream indexer (the API runs elsewhere with DISABLE_INDEXER=1, same database).
    Indexer,
    /// Re-read Spheres from their PDSes and index them again.
    Rebuild {
        /// The AT URI of one Sphere's record (it may come from another Exosphere instance);
        /// default: every public Sphere known here.
        #[arg(long)]
        sphere: Option<String>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Copy the database to FILE, consistently, while the server keeps running
    /// (SQLite's `VACUUM INTO`). Restore by stopping the server and putting FILE
    /// in place of `<data dir>/exosphere.sqlite`.
    Backup {
        /// Where to write the copy (must not exist yet).
        file: std::path::PathBuf,
    },
    /// Ask the running server at EXOSPHERE_BIND for /xrpc/_health; exit 0 when it answers 200
    /// (the container HEALTHCHECK).
    Health,
}
