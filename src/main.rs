//! The `brief` binary: parse the command line, call the library, and turn any error into one
//! line on stderr with a non-zero exit.

mod batch_cmd;
mod cli;
mod commands;
mod models_cmd;
mod train_cmd;

use clap::Parser;

fn main() {
    // `brief … | head` must end quietly when the reader goes away, like any Unix tool, instead
    // of panicking on a failed print.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = cli::Cli::parse();
    if let Some(n) = cli.global.threads {
        // candle sizes its CPU thread pools from this variable; set before any model work.
        std::env::set_var("RAYON_NUM_THREADS", n.max(1).to_string());
    }
    if let Err(e) = commands::dispatch(cli) {
        eprintln!("error: {}", one_line(&e));
        std::process::exit(exit_code(&e));
    }
}

/// The error and its causes on one line, each cause once (an error whose message already
/// quotes its source, like "cannot read X: No such file", does not repeat it), and never a
/// backtrace, whatever RUST_BACKTRACE says.
fn one_line(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let text = first_line(&cause.to_string());
        if !msg.contains(&text) {
            if !msg.is_empty() {
                msg.push_str(": ");
            }
            msg.push_str(&text);
        }
    }
    msg
}

/// A message up to where a backtrace starts, its lines joined with spaces.
fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("stack backtrace") && !l.starts_with("0:"))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// 2 for bad input or usage, 3 for a batch with failed records, 1 for everything else; the
/// exit codes the README documents.
fn exit_code(e: &anyhow::Error) -> i32 {
    if e.downcast_ref::<brief::batch::RecordsFailed>().is_some() {
        return 3;
    }
    match e.downcast_ref::<brief::BriefError>() {
        Some(b) if b.is_usage() => 2,
        _ => 1,
    }
}
