//! `plumb app list|get|diff|sync`: talk to a running `plumb serve` over its HTTP API.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::{Value, json};

/// Arguments of `plumb app`.
#[derive(Debug, clap::Args)]
pub struct AppArgs {
    /// URL of the plumb API (default: the one `plumb serve` wrote to ./.plumb/server)
    #[arg(long, global = true)]
    pub server: Option<String>,
    #[command(subcommand)]
    pub command: AppCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum AppCommand {
    /// List Applications with their sync and health status
    List,
    /// Show one Application's status as YAML-ish JSON
    Get { name: String },
    /// Show the unified diff between Git and the cluster
    Diff { name: String },
    /// Sync an Application now
    Sync {
        name: String,
        /// Sync this revision instead of the target revision
        #[arg(long)]
        revision: Option<String>,
        /// Delete objects Git no longer has
        #[arg(long)]
        prune: bool,
        /// Show what would change without changing anything
        #[arg(long)]
        dry_run: bool,
    },
}

fn server_url(explicit: Option<String>) -> anyhow::Result<String> {
    if let Some(s) = explicit {
        return Ok(s.trim_end_matches('/').to_string());
    }
    let path = PathBuf::from(".plumb/server");
    let s = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "no --server given and {} not found (is `plumb serve` running here?)",
            path.display()
        )
    })?;
    Ok(s.trim().trim_end_matches('/').to_string())
}

pub fn run(args: AppArgs) -> anyhow::Result<ExitCode> {
    let base = server_url(args.server)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let client = reqwest::Client::new();
        match args.command {
            AppCommand::List => {
                let v: Value = get_json(&client, &format!("{base}/api/applications")).await?;
                println!(
                    "{:<24} {:<12} {:<12} REVISION",
                    "NAME", "SYNC STATUS", "HEALTH STATUS"
                );
                for item in v["items"].as_array().into_iter().flatten() {
                    println!(
                        "{:<24} {:<12} {:<12} {}",
                        item["metadata"]["name"].as_str().unwrap_or(""),
                        item["status"]["sync"]["status"]
                            .as_str()
                            .unwrap_or("Unknown"),
                        item["status"]["health"]["status"]
                            .as_str()
                            .unwrap_or("Unknown"),
                        item["status"]["sync"]["revision"].as_str().unwrap_or(""),
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            AppCommand::Get { name } => {
                let v: Value =
                    get_json(&client, &format!("{base}/api/applications/{name}")).await?;
                println!("{}", serde_json::to_string_pretty(&v)?);
                Ok(ExitCode::SUCCESS)
            }
            AppCommand::Diff { name } => {
                let resp = client
                    .get(format!("{base}/api/applications/{name}/diff"))
                    .send()
                    .await
                    .with_context(|| format!("connecting to {base}"))?;
                let ok = resp.status().is_success();
                let text = resp.text().await?;
                if !ok {
                    anyhow::bail!("{text}");
                }
                print!("{text}");
                Ok(if text.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                })
            }
            AppCommand::Sync {
                name,
                revision,
                prune,
                dry_run,
            } => {
                let body = json!({"revision": revision, "prune": prune, "dryRun": dry_run});
                let resp = client
                    .post(format!("{base}/api/applications/{name}/sync"))
                    .json(&body)
                    .send()
                    .await
                    .with_context(|| format!("connecting to {base}"))?;
                let ok = resp.status().is_success();
                let v: Value = resp.json().await?;
                if !ok {
                    anyhow::bail!("{}", v["error"].as_str().unwrap_or("sync failed"));
                }
                let op = &v["status"]["operationState"];
                println!(
                    "{}: {} ({})",
                    name,
                    op["phase"].as_str().unwrap_or("Unknown"),
                    op["message"].as_str().unwrap_or("")
                );
                Ok(if op["phase"] == "Succeeded" {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                })
            }
        }
    })
}

async fn get_json(client: &reqwest::Client, url: &str) -> anyhow::Result<Value> {
    let resp = client
        .get(url)
        .send()
        .await
        .with_context(|| format!("connecting to {url}"))?;
    let ok = resp.status().is_success();
    let v: Value = resp.json().await?;
    if !ok {
        anyhow::bail!("{}", v["error"].as_str().unwrap_or("request failed"));
    }
    Ok(v)
}
