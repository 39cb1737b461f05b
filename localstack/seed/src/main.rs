//! `stackproof-seed [--stack hipaa|dr] [--layout-version v1|v2] --endpoint URL --suffix S [--mutant NAME]...
//! [--canaries kept|plaintext] [--outputs-file PATH]`: seeds a stack's reference deployment into the
//! emulator and writes its outputs file. `--canaries` then plants the secret canary (`canary::SECRET_CANARY`) in every place
//! of `stackproof_seed::canary`, and lists them.
//!
//! - hipaa (default): eu-central-1, registered as CloudFormation stack TapStack<SUFFIX>; flat
//!   outputs, by default to cfn-outputs/flat-outputs.json.
//! - dr: eu-west-2 + eu-west-1, the layout version `--layout-version` names (v2, the current
//!   layout, by default; v1 as deployed, with its known gaps); outputs in the shape `cdktf deploy
//!   --outputs-file` writes, by default to cfn-outputs/dr-<SUFFIX>.json (one file per suffix:
//!   several DR layouts can live in one emulator). The live suite reads it with
//!   `--stack dr --outputs FILE`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, ValueEnum};
use stackproof_harness::deployment::Suffix;
use stackproof_harness::mutation::Mutant;
use stackproof_seed::canary::{self, Canaries};
use stackproof_seed::hipaa::{self, Mutants};
use stackproof_seed::{SeedError, Seeder, dr, write_cdktf_outputs, write_flat_outputs};

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum CanarySet {
    /// Where a deployment may keep a secret and still pass every check.
    Kept,
    /// Also as plain-text credentials where the credential checks look (they fail).
    Plaintext,
}

impl From<CanarySet> for Canaries {
    fn from(c: CanarySet) -> Self {
        match c {
            CanarySet::Kept => Canaries::Kept,
            CanarySet::Plaintext => Canaries::Plaintext,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Stack {
    /// stacks/hipaa/v1 (CloudFormation, eu-central-1).
    Hipaa,
    /// stacks/dr (CDKTF, eu-west-2 + eu-west-1), in the version --layout-version names.
    Dr,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum LayoutArg {
    /// stacks/dr/v1, as deployed with its known gaps (no StackVersion output).
    V1,
    /// stacks/dr/v2, the current layout.
    V2,
}

impl From<LayoutArg> for dr::LayoutVersion {
    fn from(v: LayoutArg) -> Self {
        match v {
            LayoutArg::V1 => dr::LayoutVersion::V1,
            LayoutArg::V2 => dr::LayoutVersion::V2,
        }
    }
}

#[derive(Parser)]
#[command(name = "stackproof-seed", about = "Seed a stack's reference deployment into the emulator.")]
struct Cli {
    /// Which stack to seed.
    #[arg(long, value_enum, default_value_t = Stack::Hipaa)]
    stack: Stack,
    /// Which version of the DR layout to seed (--stack dr only). Default: v2, the current layout.
    #[arg(long, value_enum)]
    layout_version: Option<LayoutArg>,
    /// Emulator endpoint.
    #[arg(long, env = "AWS_ENDPOINT_URL")]
    endpoint: Option<String>,
    /// Deployment suffix (EnvironmentSuffix): hipaa registers TapStack<SUFFIX>; dr names every resource with it.
    #[arg(long, required_unless_present = "list_mutants")]
    suffix: Option<String>,
    /// Named breakage to apply after seeding (repeatable); --list-mutants lists them.
    #[arg(long = "mutant")]
    mutants: Vec<String>,
    /// After seeding (and the mutants), plant the secret canary: `kept` where a deployment may
    /// hold a secret, `plaintext` also as credentials the checks must find.
    #[arg(long, value_enum)]
    canaries: Option<CanarySet>,
    /// Where to write the outputs JSON. Default: cfn-outputs/flat-outputs.json (hipaa),
    /// cfn-outputs/dr-<SUFFIX>.json (dr).
    #[arg(long)]
    outputs_file: Option<PathBuf>,
    /// List the stack's known mutants and exit.
    #[arg(long)]
    list_mutants: bool,
}

async fn run(cli: Cli) -> Result<(), SeedError> {
    if cli.stack == Stack::Hipaa && cli.layout_version.is_some() {
        let mut cmd = Cli::command();
        cmd.error(clap::error::ErrorKind::ArgumentConflict, "--layout-version is for --stack dr only").exit();
    }
    if cli.list_mutants {
        let mutants: Vec<&Mutant> = match cli.stack {
            Stack::Hipaa => hipaa::MUTANTS.to_vec(),
            Stack::Dr => dr::MUTANTS.to_vec(),
        };
        // A closed pipe (`| head`) ends the listing quietly.
        let mut out = std::io::stdout().lock();
        for m in mutants {
            let only = if dr::V2_ONLY.iter().any(|v2| v2.name == m.name) { " (v2 only)" } else { "" };
            if writeln!(out, "{:<42} {}{only}", m.name, m.about).is_err() {
                break;
            }
        }
        return Ok(());
    }
    let suffix = Suffix::parse(cli.suffix.as_deref().unwrap_or_default())?;
    let endpoint = cli.endpoint.filter(|e| !e.is_empty());
    let (outputs, file, where_) = match cli.stack {
        Stack::Hipaa => {
            let mutants = Mutants::parse(&cli.mutants)?;
            let seeder = Seeder::new(&endpoint.ok_or(SeedError::NoEndpoint)?, hipaa::REGION).await?;
            let outputs = hipaa::deploy(&seeder, &suffix, &mutants).await?;
            if let Some(set) = cli.canaries {
                list_places(&canary::plant_hipaa(&seeder, &outputs, set.into()).await?);
            }
            let file = cli.outputs_file.unwrap_or_else(|| PathBuf::from("cfn-outputs/flat-outputs.json"));
            write_flat_outputs(&file, &outputs)?;
            (outputs, file, format!("stack TapStack{suffix} in {}", hipaa::REGION))
        }
        Stack::Dr => {
            // Resolved before the endpoint, so a typo is reported first, as for hipaa.
            let mutants = Mutants::resolve(&cli.mutants, &dr::MUTANTS)?;
            let version = cli.layout_version.map_or(dr::LayoutVersion::CURRENT, dr::LayoutVersion::from);
            let endpoint = endpoint.ok_or(SeedError::NoEndpoint)?;
            let outputs = dr::deploy(&endpoint, &suffix, version, &mutants).await?;
            if let Some(set) = cli.canaries {
                list_places(&canary::plant_dr(&endpoint, &outputs, set.into()).await?);
            }
            let file = cli.outputs_file.unwrap_or_else(|| PathBuf::from(format!("cfn-outputs/dr-{suffix}.json")));
            write_cdktf_outputs(&file, dr::STACK_NAME, &outputs)?;
            let where_ = format!(
                "layout {} {version} (suffix {suffix}) in {} + {}",
                dr::STACK_NAME,
                dr::PRIMARY_REGION,
                dr::DR_REGION
            );
            (outputs, file, where_)
        }
    };
    eprintln!(
        "seeded {where_} ({} outputs, mutants: {}); outputs written to {}",
        outputs.len(),
        if cli.mutants.is_empty() { "none".to_owned() } else { cli.mutants.join(", ") },
        file.display()
    );
    Ok(())
}

/// Where the canary went, one place a line.
fn list_places(places: &canary::Places) {
    for place in places.list() {
        eprintln!("canary planted: {place}");
    }
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
