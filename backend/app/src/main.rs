use std::process::ExitCode;

use clap::Parser;
use exosphere::cli::{Cli, Command};
use exosphere::{modules, server};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    exosphere_core::telemetry::init(cli.config.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let registry = modules::registry()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => server::serve(cli.config, registry).await,
        Command::Migrate => server::prepare(&cli.config, &registry).await.map(drop),
        Command::Health => server::health_check(cli.config.bind),
        Command::Indexer => server::run_indexer(cli.config, registry).await,
        Command::Rebuild { sphere, quiet } => {
            let ctx = server::context(cli.config, registry).await?;
            let report = exosphere_indexer::rebuild::rebuild(&ctx, sphere.as_deref(), !quiet).await?;
            println!(
                "rebuilt {} Sphere(s) from {} repos: {} records, {} indexed, {} unchanged, {} ignored, {} rejected, {} failed",
                report.spheres,
                report.repos,
                report.records,
                report.indexed,
                report.unchanged,
                report.ignored,
                report.rejected,
                report.failed
            );
            Ok(())
        }
        Command::Backup { file } => {
            let db = server::prepare(&cli.config, &registry).await?;
            let bytes = db.backup(&file).await?;
            println!("backed up {} MB to {}", bytes / 1_000_000, file.display());
            Ok(())
        }
        Command::Openapi => {
            print!("{}", server::OPENAPI);
            Ok(())
        }
    }
}
