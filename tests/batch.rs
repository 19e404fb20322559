//! `brief batch` end to end on SmolLM2 (summaries of a few tokens, to stay fast): error lines
//! and exit code 3 for bad records, resume after a torn line and after `kill -9`, shards that
//! partition the input, and merge finding a missing id.

mod common;
use common::*;
use std::path::Path;

const SMOL: &str = "smollm2-135m-instruct";

/// A JSONL input of `n` short articles (ids `a0`…), plus `extra` raw lines.
fn input(dir: &Path, n: usize, extra: &[&str]) -> std::path::PathBuf {
    let mut lines: Vec<String> = (0..n)
        .map(|i| {
            serde_json::json!({
                "id": format!("a{i}"),
                "title": format!("Talks {i}"),
                "text": format!("France and Niger held talks on day {i}. France said it backed the plan."),
            })
            .to_string()
        })
        .collect();
    lines.extend(extra.iter().map(|s| s.to_string()));
    write(dir, "in.jsonl", &(lines.join("\n") + "\n"))
}

fn batch(args: &[&str]) -> std::process::Command {
    let mut c = brief();
    c.args(["batch", "--summarizer", SMOL, "--tasks", "summarize"])
        .args(["--max-new-tokens", "6", "--quiet"])
        .args(args);
    c
}

/// Every line of `out` as JSON, asserting each is valid.
fn lines(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out)
        .expect("output")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line ({e}): {l}")))
        .collect()
}

fn ids(lines: &[serde_json::Value]) -> Vec<String> {
    let mut v: Vec<String> = lines
        .iter()
        .map(|l| l["id"].as_str().expect("id").to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn bad_records_become_error_lines_and_exit_3() {
    ensure_test_models();
    let d = tempfile::tempdir().expect("temp dir");
    let inp = input(
        d.path(),
        2,
        &[
            "{broken json",
            r#"{"text": "no id"}"#,
            r#"{"id": "empty", "text": " \u200b "}"#,
            r#"{"id": "long", "text": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#,
        ],
    );
    let out = d.path().join("out.jsonl");
    let r = run(&mut batch(&[
        inp.to_str().expect("path"),
        "--out",
        out.to_str().expect("path"),
        "--max-chars",
        "120",
    ]));
    assert_eq!(r.0, 3, "{}", r.2);
    let got = lines(&out);
    assert_eq!(got.len(), 6);
    let kind = |id: &str| {
        got.iter()
            .find(|l| l["id"] == id)
            .map(|l| l["error"]["kind"].as_str().unwrap_or("ok").to_string())
    };
    assert_eq!(kind("a0").as_deref(), Some("ok"));
    // A line without a usable id is named by its place: INPUT:LINE.
    let place = |n: usize| format!("{}:{n}", inp.display());
    assert_eq!(kind(&place(3)).as_deref(), Some("bad_json"));
    assert_eq!(kind(&place(4)).as_deref(), Some("missing_id"));
    assert_eq!(kind("empty").as_deref(), Some("bad_input"));
    assert_eq!(kind("long").as_deref(), Some("too_long"));
    for ok in ["a0", "a1"] {
        let line = got.iter().find(|l| l["id"] == ok).expect("line");
        assert!(
            line["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{line}"
        );
        validate(&{
            let mut report = line.clone();
            report.as_object_mut().expect("object").remove("id");
            report
        });
    }
    // Duplicate ids are a usage error that names them.
    let dup = input(d.path(), 1, &[r#"{"id": "a0", "text": "again"}"#]);
    let r = run(&mut batch(&[
        dup.to_str().expect("path"),
        "--out",
        "x.jsonl",
    ]));
    assert_eq!(r.0, 2, "{}", r.2);
    assert!(r.2.contains("duplicate input ids (1): a0"), "{}", r.2);
}

#[test]
fn a_torn_line_is_trimmed_and_done_ids_are_skipped() {
    ensure_test_models();
    let d = tempfile::tempdir().expect("temp dir");
    let inp = input(d.path(), 3, &[]);
    let out = d.path().join("out.jsonl");
    // As left by a crash: a0 finished, a1 cut off mid-line.
    std::fs::write(
        &out,
        "{\"id\":\"a0\",\"summary\":\"kept\"}\n{\"id\":\"a1\",\"summ",
    )
    .expect("write");
    let r = run(&mut batch(&[
        inp.to_str().expect("path"),
        "--out",
        out.to_str().expect("path"),
    ]));
    assert_eq!(r.0, 0, "{}", r.2);
    let got = lines(&out);
    assert_eq!(ids(&got), ["a0", "a1", "a2"]);
    assert_eq!(got[0]["summary"], "kept", "a finished id is not redone");
}

#[test]
fn killed_three_times_and_resumed_every_id_once() {
    ensure_test_models();
    let d = tempfile::tempdir().expect("temp dir");
    let inp = input(d.path(), 8, &[]);
    let out = d.path().join("out.jsonl");
    let args = [
        inp.to_str().expect("path"),
        "--out",
        out.to_str().expect("path"),
    ];
    // Kill moments from a fixed seed: varied, but the same on every run of the test.
    let mut seed = 0x2545_f491_u64;
    for _ in 0..3 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = std::time::Duration::from_millis(800 + seed % 2500);
        let mut child = batch(&args).spawn().expect("spawn");
        std::thread::sleep(wait);
        let _ = child.kill();
        let _ = child.wait();
        // Whatever was left must be readable once resumed (a torn tail is trimmed then).
    }
    let r = run(&mut batch(&args));
    assert_eq!(r.0, 0, "{}", r.2);
    let got = lines(&out);
    let want: Vec<String> = (0..8).map(|i| format!("a{i}")).collect();
    assert_eq!(ids(&got), want, "every id exactly once");
}

#[test]
fn shards_partition_the_input_and_merge_finds_a_missing_id() {
    ensure_test_models();
    let d = tempfile::tempdir().expect("temp dir");
    let inp = input(d.path(), 5, &[]);
    let inp = inp.to_str().expect("path");
    let shard_dir = d.path().join("shards");
    std::fs::create_dir(&shard_dir).expect("dir");
    let mut all = Vec::new();
    for i in 0..3 {
        let out = shard_dir.join(format!("{i}.jsonl"));
        let r = run(&mut batch(&[
            inp,
            "--out",
            out.to_str().expect("path"),
            "--shard",
            &format!("{i}/3"),
        ]));
        assert_eq!(r.0, 0, "{}", r.2);
        all.extend(ids(&lines(&out)));
    }
    all.sort();
    assert_eq!(
        all,
        ["a0", "a1", "a2", "a3", "a4"],
        "union = input, no overlap"
    );
    let merged = d.path().join("all.jsonl");
    let merge = || {
        run(brief().args([
            "batch",
            "merge",
            shard_dir.to_str().expect("path"),
            "--inputs",
            inp,
            "-o",
            merged.to_str().expect("path"),
        ]))
    };
    let r = merge();
    assert_eq!(r.0, 0, "{}", r.2);
    assert_eq!(lines(&merged).len(), 5);
    // Drop one shard's file: merge names what is missing and exits 3.
    let first = lines(&shard_dir.join("0.jsonl"));
    std::fs::remove_file(shard_dir.join("0.jsonl")).expect("remove");
    let r = merge();
    assert_eq!(r.0, 3, "{}", r.2);
    // Shard 0 of 3 holds a1 (sha256 of the id, pinned in the shard unit test's way).
    assert_eq!(ids(&first), ["a1"]);
    assert!(r.2.contains("missing (1): a1"), "{}", r.2);
}

#[test]
fn two_workers_label_every_article_with_the_given_actor_and_target() {
    ensure_test_models();
    let d = tempfile::tempdir().expect("temp dir");
    let inp = input(d.path(), 4, &[]);
    let out = d.path().join("out.jsonl");
    let mut cmd = brief();
    cmd.args(["batch", inp.to_str().expect("path"), "--out"])
        .arg(&out)
        .args(["--summarizer", SMOL, "--classifier", SMOL, "--workers", "2"])
        .args(["--max-new-tokens", "6", "--faithfulness", "off", "--quiet"])
        .args(["--actor", "Niger", "--target", "the plan"]);
    let r = run(&mut cmd);
    assert_eq!(r.0, 0, "{}", r.2);
    let got = lines(&out);
    assert_eq!(ids(&got), ["a0", "a1", "a2", "a3"]);
    for line in &got {
        // The per-article inputs reach both workers' pipelines, and no article keeps another's.
        assert_eq!(line["target"], "the plan", "{line}");
        let actors = line["actors"].as_array().expect("actors");
        assert_eq!(actors.len(), 1, "{line}");
        assert_eq!(actors[0]["name"], "Niger", "{line}");
        let id = line["id"].as_str().expect("id");
        assert!(
            line["title"]
                .as_str()
                .is_some_and(|t| id.ends_with(&t[6..])),
            "{line}"
        );
    }
}
