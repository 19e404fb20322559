//! `brief models list|show|verify|pull` at the CLI edge: the built-in configs, their cache
//! state and sha256 checks, printed as a table or JSON.

use crate::cli::{Format, GlobalArgs, ModelsCommand};
use crate::commands::notice;
use anyhow::Result;
use brief::config::{builtin_models, resolve_model, Defaults, ModelConfig};
use brief::fetch::{ensure_model, hub_cache_dir, is_cached, verify_model, FetchOptions};

/// Runs one `brief models` subcommand.
pub fn models(g: &GlobalArgs, cmd: &ModelsCommand) -> Result<()> {
    match cmd {
        ModelsCommand::List => list_models(g),
        ModelsCommand::Pull { names } => pull(g, names),
        ModelsCommand::Show { name } => show_model(name),
        ModelsCommand::Verify { names } => verify_models(names),
    }
}

/// `brief models list`: every built-in config, whether it is cached, what it is default for.
fn list_models(g: &GlobalArgs) -> Result<()> {
    let d = Defaults::load(g.config.as_deref())?;
    let all = builtin_models()?;
    if g.format == Format::Json {
        let rows: Vec<_> = all
            .iter()
            .map(|c| {
                serde_json::json!({
                    "name": c.name, "architecture": c.architecture, "tasks": c.tasks,
                    "verified": c.verified, "cached": is_cached(c), "description": c.description,
                    "default_summarizer": c.name == d.summarizer, "default_classifier": c.name == d.classifier,
                    "default_entity_classifier": d.entity_classifier.as_deref() == Some(c.name.as_str()),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    // Columns as wide as their longest entry ("encoder-classifier" does not fit a fixed 9).
    let width = |f: &dyn Fn(&ModelConfig) -> usize, head: &str| {
        all.iter().map(f).max().unwrap_or(0).max(head.len())
    };
    let name_w = width(&|c| c.name.len(), "NAME");
    let arch_w = width(&|c| c.architecture.as_str().len(), "ARCH");
    println!(
        "{:<name_w$} {:<arch_w$} {:<18} {:<9} {:<7} DEFAULT FOR",
        "NAME", "ARCH", "TASKS", "VERIFIED", "CACHED"
    );
    for c in &all {
        let tasks = c
            .tasks
            .iter()
            .map(|t| format!("{t:?}").to_lowercase())
            .collect::<Vec<_>>()
            .join(",");
        let mut def = Vec::new();
        if c.name == d.summarizer {
            def.push("summarize");
        }
        if c.name == d.classifier {
            def.push("stance");
        }
        if d.entity_classifier.as_deref() == Some(c.name.as_str()) {
            def.push("stance (entity targets)");
        }
        println!(
            "{:<name_w$} {:<arch_w$} {:<18} {:<9} {:<7} {}",
            c.name,
            c.architecture.as_str(),
            tasks,
            if c.verified { "yes" } else { "no" },
            if is_cached(c) { "yes" } else { "no" },
            def.join(", ")
        );
    }
    println!("\ncache: {}", hub_cache_dir().display());
    Ok(())
}

/// `brief models show NAME`: the config as brief reads it, and its cached files.
fn show_model(name: &str) -> Result<()> {
    let cfg = resolve_model(name)?;
    let cached = is_cached(&cfg);
    println!("# cached: {}", if cached { "yes" } else { "no" });
    if cached {
        let files = ensure_model(&cfg, &FetchOptions { offline: true }, &mut |_| {})?;
        for f in &files.files {
            println!("# file: {}", f.display());
        }
    }
    print!("{}", toml::to_string_pretty(&cfg)?);
    Ok(())
}

/// `brief models verify [NAMES]`: re-checks cached files against their sha256.
fn verify_models(names: &[String]) -> Result<()> {
    let cfgs = if names.is_empty() {
        builtin_models()?
    } else {
        names
            .iter()
            .map(|n| resolve_model(n))
            .collect::<brief::Result<Vec<_>>>()?
    };
    let mut bad = 0;
    for c in cfgs {
        match verify_model(&c) {
            Ok(true) => println!("{:<30} ok", c.name),
            Ok(false) => {
                if !names.is_empty() {
                    println!("{:<30} not cached", c.name)
                }
            }
            Err(e) => {
                bad += 1;
                println!("{:<30} FAILED: {e}", c.name)
            }
        }
    }
    if bad > 0 {
        anyhow::bail!("{bad} model(s) failed verification (see above)");
    }
    Ok(())
}

/// `brief models pull [NAMES]`: fetches the named models, or every default one (summarizer,
/// classifier, entity classifier), and prints each file's path.
fn pull(g: &GlobalArgs, names: &[String]) -> Result<()> {
    let names = if names.is_empty() {
        let d = Defaults::load(g.config.as_deref())?;
        let mut all = vec![d.summarizer, d.classifier];
        all.extend(d.entity_classifier);
        let mut seen = std::collections::HashSet::new();
        all.retain(|n| seen.insert(n.clone()));
        all
    } else {
        names.to_vec()
    };
    let mut say = notice(g.quiet);
    for n in names {
        let cfg = resolve_model(&n)?;
        let files = ensure_model(&cfg, &FetchOptions::new(g.offline), &mut say)?;
        for f in files.files.iter().chain(files.tokenizer_file.iter()) {
            println!("{}\t{}", cfg.name, f.display());
        }
    }
    Ok(())
}
