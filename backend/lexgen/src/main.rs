//! `cargo run -p exosphere-lexgen [-- --check]`: regenerate (or verify) the
//! Rust code and the OpenAPI document from `lexicons/`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use exosphere_lexgen::{Paths, differences, generate, write};

#[derive(Parser)]
#[command(about = "Generate Rust types, XRPC routes and OpenAPI from the Lexicons")]
struct Args {
    /// Verify that the committed output is fresh instead of writing it.
    #[arg(long)]
    check: bool,
    /// Workspace root (default: the workspace this tool was built in).
    #[arg(long)]
    root: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = args.root.as_deref().map_or_else(Paths::workspace, Paths::under).and_then(|paths| {
        let output = generate(&paths)?;
        if args.check {
            let diffs = differences(&output, &paths)?;
            if !diffs.is_empty() {
                anyhow::bail!(
                    "generated files are stale; run `cargo run -p exosphere-lexgen`:\n  {}",
                    diffs.join("\n  ")
                );
            }
            println!("generated code and OpenAPI are fresh");
        } else {
            write(&output, &paths)?;
            println!("wrote {} Rust files and {}", output.rust.len(), paths.openapi_out.display());
        }
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lexgen: {e:#}");
            ExitCode::FAILURE
        }
    }
}
