//! `brief serve` over real HTTP with real models: requests queued while the models load, eight
//! at once against a queue of four (the rest answered 503 with Retry-After), correct reports,
//! JSON errors with the right statuses, the API key, NDJSON streaming, and a clean stop on
//! SIGTERM that finishes the request in flight.

mod common;
mod serve_support;

use common::*;
use serve_support::*;
use std::io::BufRead;
use std::time::Duration;

const KEY: &str = "test-key-13";

fn stance_request(text: &str, actor: &str) -> String {
    serde_json::json!({
        "text": text,
        "tasks": ["stance"],
        "actors": [actor],
        "target": "US military cooperation with Niger",
    })
    .to_string()
}

/// A correct stance report for one hand-given actor: schema, the actor, grounded evidence.
fn assert_stance_report(report: &serde_json::Value, text: &str, actor: &str) {
    assert_schema(report);
    assert!(report.get("summary").is_none(), "stance only: {report}");
    assert_eq!(report["target"], "US military cooperation with Niger");
    assert_eq!(report["target_source"], "given");
    let actors = report["actors"].as_array().expect("actors");
    assert_eq!(actors.len(), 1, "{report}");
    let name = actor.split('=').next().unwrap_or(actor);
    assert_eq!(actors[0]["name"], name);
    let evidence = actors[0]["evidence"].as_array().expect("evidence");
    assert!(!evidence.is_empty(), "{name} has evidence in the article");
    for e in evidence {
        let (s, t) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..t], e["sentence"].as_str().unwrap());
    }
}

#[test]
fn serve_queues_answers_and_refuses_in_json() {
    ensure_test_models();
    let text = std::fs::read_to_string(article_path()).unwrap();
    // The 1.5B summarizer takes seconds to load, so the requests below arrive while it loads.
    let mut srv = Server::start(
        &[
            "--summarizer",
            "qwen2.5-coder-1.5b-instruct",
            "--classifier",
            "smollm2-135m-instruct",
            "--max-new-tokens",
            "12",
            "--queue",
            "4",
            "--max-body-kib",
            "64",
        ],
        Some(KEY),
    );
    let first = srv.get("/healthz");
    assert_eq!(first.status, 503, "loading first: {}", first.body);
    assert_eq!(first.json()["status"], "loading");

    // Eight at once; the worker takes none while loading, so four fit in the queue.
    let actors = [
        "ECOWAS=Economic Community of West African States",
        "France=French",
        "CNSP=National Council for the Safeguard of the Homeland",
        "Bazoum=Mohamed Bazoum",
        "Phee=Molly Phee",
        "Tchiani=Abdourahamane Tchiani",
        "Biden",
        "Congress",
    ];
    let answers: Vec<(String, Answer)> = std::thread::scope(|s| {
        let handles: Vec<_> = actors
            .iter()
            .map(|a| {
                let (srv, body) = (&srv, stance_request(&text, a));
                s.spawn(move || (a.to_string(), srv.post("/v1/brief", &body)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = answers.iter().filter(|(_, a)| a.status == 200).count();
    assert!(ok >= 4, "the queue holds four: {ok} answered");
    for (actor, a) in &answers {
        if a.status == 200 {
            assert_stance_report(&a.json(), &text, actor);
        } else {
            a.assert_error(503, "busy");
            let retry: u64 = a.retry_after.as_deref().unwrap_or("").parse().unwrap();
            assert!(retry >= 1);
        }
    }
    let seen = srv.wait_ready(Duration::from_secs(60));
    assert_eq!(seen, vec![200], "ready once the queued work is done");
    let models = srv.get("/v1/models").json();
    assert_eq!(
        models["loaded"]["summarizer"],
        "qwen2.5-coder-1.5b-instruct"
    );
    assert_eq!(models["loaded"]["classifier"], "smollm2-135m-instruct");

    // Summary only, of a short article, streamed: the summary events add up to the report's
    // summary. The title given replaces the first line's.
    let short = "Old headline\n\nThe council approved the new budget on Monday. The mayor said it would fund two schools.";
    let body = serde_json::json!({"text": short, "title": "Budget passes", "tasks": ["summarize"]});
    let (status, lines) = srv.post_stream("/v1/brief?stream=true", &body.to_string());
    assert_eq!(status, 200);
    let events: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert_eq!(events[0]["event"], "started", "{events:?}");
    let streamed: String = events
        .iter()
        .filter(|e| e["event"] == "summary")
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    let done = events.last().unwrap();
    assert_eq!(done["event"], "done", "{events:?}");
    let r = &done["report"];
    assert_schema(r);
    assert_eq!(r["title"], "Budget passes");
    assert!(!r["summary"].as_str().unwrap().is_empty());
    assert_eq!(streamed.trim(), r["summary"].as_str().unwrap());
    assert!(r.get("actors").is_none());

    // HTML: one page with the actor and its evidence marked.
    let a = srv.post("/v1/brief?format=html", &stance_request(&text, "ECOWAS"));
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.starts_with("<!DOCTYPE html>"));
    assert!(a.body.contains(">ECOWAS</button>"));
    assert!(a.body.contains("class=\"s ev\" data-actors=\"0\""));

    errors_are_json(&srv, &text);

    // Streaming, and SIGTERM while the request runs: it still finishes, then the server exits.
    let (status, mut lines) =
        srv.post_stream("/v1/brief?stream=true", &stance_request(&text, "France"));
    assert_eq!(status, 200);
    let mut line = String::new();
    lines.read_line(&mut line).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&line).unwrap()["event"],
        "started"
    );
    srv.terminate();
    let rest: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    let done = rest.last().expect("a last event");
    assert_eq!(done["event"], "done", "{rest:?}");
    assert_stance_report(&done["report"], &text, "France");
    assert!(
        srv.wait_exit(Duration::from_secs(60)).success(),
        "{}",
        srv.stderr()
    );
}

fn errors_are_json(srv: &Server, text: &str) {
    let bad = |body: &str, kind: &str| srv.post("/v1/brief", body).assert_error(400, kind);
    bad("{not json", "bad_input");
    bad(r#"{"text": 5}"#, "bad_input");
    bad(r#"{"txt": "an article"}"#, "bad_input");
    bad(r#"{"text": "   "}"#, "bad_input");
    bad(r#"{"text": "Some text.", "tasks": []}"#, "bad_input");
    bad(
        r#"{"text": "Some text.", "tasks": ["translate"]}"#,
        "bad_input",
    );
    // Found wanting only by the pipeline (the actor is not in the text): still 400.
    let a = srv.post("/v1/brief", &stance_request(text, "Atlantis"));
    a.assert_error(400, "bad_input");
    let message = a.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("Atlantis"), "{message}");
    assert!(
        !message.contains("--actor"),
        "a shell flag in an API error: {message}"
    );
    srv.post("/v1/brief?format=xml", &stance_request(text, "ECOWAS"))
        .assert_error(400, "bad_input");
    let big = serde_json::json!({ "text": "word ".repeat(20_000) }).to_string();
    srv.post("/v1/brief", &big).assert_error(413, "too_large");
    let a = srv.post_with("/v1/brief", &stance_request(text, "ECOWAS"), Some("wrong"));
    a.assert_error(401, "unauthorized");
    assert_eq!(a.www_authenticate.as_deref(), Some("Bearer"));
    srv.get_with("/healthz", None)
        .assert_error(401, "unauthorized");
    srv.get_with("/", None).assert_error(401, "unauthorized");
    srv.get("/nowhere").assert_error(404, "not_found");
    srv.get("/v1/brief").assert_error(405, "method_not_allowed");
}

#[test]
fn serve_refuses_a_public_address_without_a_key() {
    let out = run(brief()
        .env_remove("BRIEF_API_KEY")
        .args(["serve", "--host", "0.0.0.0", "--port", "0"]));
    assert_clear_error(&out, "--api-key");
    assert_eq!(out.0, 2);
}
