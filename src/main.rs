//! The `brief` binary: parse the command line, call the library, and turn any error into one
//! line on stderr with a non-zero exit.

mod cli;
mod commands;
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
        let msg = format!("{e:#}").replace('\n', " ");
        eprintln!("error: {msg}");
        std::process::exit(exit_code(&e));
    }
}

/// 2 for bad input or usage, 1 for everything else.
fn exit_code(e: &anyhow::Error) -> i32 {
    use brief::BriefError::*;
    match e.downcast_ref::<brief::BriefError>() {
        Some(BadArticle { .. } | BadConfig { .. } | UnknownModel { .. } | Usage(_)) => 2,
        _ => 1,
    }
}
