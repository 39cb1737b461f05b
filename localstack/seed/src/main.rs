//! `stackproof-seed --endpoint URL --suffix S [--mutant NAME]...`: seeds the HIPAA stack's
//! reference deployment into the emulator and writes its flat outputs file.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use stackproof_harness::args::Suffix;
use stackproof_seed::hipaa::{self, Mutant, Mutants};
use stackproof_seed::{SeedError, Seeder, write_flat_outputs};

#[derive(Parser)]
#[command(name = "stackproof-seed", about = "Seed the HIPAA reference deployment into the emulator.")]
struct Cli {
    /// Emulator endpoint.
    #[arg(long, env = "AWS_ENDPOINT_URL")]
    endpoint: Option<String>,
    /// Deployment suffix; the stack is registered as TapStack<SUFFIX>.
    #[arg(long, required_unless_present = "list_mutants")]
    suffix: Option<String>,
    /// Named breakage to apply after seeding (repeatable).
    #[arg(long = "mutant")]
    mutants: Vec<String>,
    /// Where to write the flat outputs JSON.
    #[arg(long, default_value = "cfn-outputs/flat-outputs.json")]
    outputs_file: PathBuf,
    /// List the known mutants and exit.
    #[arg(long)]
    list_mutants: bool,
}

async fn run(cli: Cli) -> Result<(), SeedError> {
    if cli.list_mutants {
        for m in Mutant::all() {
            println!("{:<28} {}", m.name, m.about);
        }
        return Ok(());
    }
    let suffix = Suffix::parse(cli.suffix.as_deref().unwrap_or_default())?;
    let mutants = Mutants::parse(&cli.mutants)?;
    let endpoint = cli.endpoint.filter(|e| !e.is_empty()).ok_or(SeedError::NoEndpoint)?;
    let seeder = Seeder::new(&endpoint, hipaa::REGION).await?;
    let outputs = hipaa::deploy(&seeder, &suffix, &mutants).await?;
    write_flat_outputs(&cli.outputs_file, &outputs)?;
    let applied: Vec<&str> = mutants.names().collect();
    eprintln!(
        "seeded stack TapStack{suffix} in {} ({} outputs, mutants: {}); outputs written to {}",
        hipaa::REGION,
        outputs.len(),
        if applied.is_empty() { "none".to_owned() } else { applied.join(", ") },
        cli.outputs_file.display()
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
