//! Running `brief serve` from tests: start it on a free port (`--port 0`, the address is read
//! from its stdout), talk to it over HTTP, stop it with SIGTERM.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running server.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    key: Option<String>,
    stderr: Arc<Mutex<String>>,
}

/// An HTTP answer: status, `Retry-After` (if any), `WWW-Authenticate` (if any), body.
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub www_authenticate: Option<String>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Asserts a JSON error of this status and kind.
    pub fn assert_error(&self, status: u16, kind: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        let j = self.json();
        assert_eq!(j["error"]["kind"], kind, "{}", self.body);
        assert!(
            !j["error"]["message"].as_str().unwrap_or("").is_empty(),
            "{}",
            self.body
        );
    }
}

impl Server {
    /// Starts `brief serve --port 0 ARGS…`, with `key` as its API key (through the
    /// environment, as users would).
    pub fn start(args: &[&str], key: Option<&str>) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_brief"));
        cmd.args(["serve", "--port", "0"])
            .args(args)
            .env_remove("HF_HUB_OFFLINE")
            .env_remove("BRIEF_API_KEY")
            .env("RAYON_NUM_THREADS", "2")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(k) = key {
            cmd.env("BRIEF_API_KEY", k);
        }
        let mut child = cmd.spawn().expect("brief serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let mut err = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("read stdout");
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                std::thread::sleep(Duration::from_millis(300));
                panic!(
                    "no 'listening on' line, got {line:?}; stderr: {}",
                    stderr.lock().map(|s| s.clone()).unwrap_or_default()
                )
            })
            .to_string();
        Server {
            child,
            base,
            key: key.map(String::from),
            stderr,
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(900)))
            .build()
            .new_agent()
    }

    /// GET with the server's key.
    pub fn get(&self, path: &str) -> Answer {
        self.get_with(path, self.key.as_deref())
    }

    pub fn get_with(&self, path: &str, key: Option<&str>) -> Answer {
        let mut req = Self::agent().get(format!("{}{path}", self.base));
        if let Some(k) = key {
            req = req.header("Authorization", format!("Bearer {k}"));
        }
        answer(req.call())
    }

    /// POST a body with the server's key.
    pub fn post(&self, path: &str, body: &str) -> Answer {
        self.post_with(path, body, self.key.as_deref())
    }

    pub fn post_with(&self, path: &str, body: &str, key: Option<&str>) -> Answer {
        let mut req = Self::agent()
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/json");
        if let Some(k) = key {
            req = req.header("Authorization", format!("Bearer {k}"));
        }
        answer(req.send(body))
    }

    /// POST and return a reader of the streamed answer, line by line.
    pub fn post_stream(&self, path: &str, body: &str) -> (u16, Box<dyn BufRead + Send>) {
        let mut req = Self::agent()
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/json");
        if let Some(k) = &self.key {
            req = req.header("Authorization", format!("Bearer {k}"));
        }
        let res = req.send(body).expect("request");
        let status = res.status().as_u16();
        let reader = res.into_body().into_reader();
        (status, Box::new(BufReader::new(reader)))
    }

    /// Polls /healthz until it says ready; the statuses seen before, in order.
    pub fn wait_ready(&self, within: Duration) -> Vec<u16> {
        let t0 = Instant::now();
        let mut seen = Vec::new();
        loop {
            let a = self.get("/healthz");
            seen.push(a.status);
            if a.status == 200 {
                assert_eq!(a.json()["status"], "ready", "{}", a.body);
                return seen;
            }
            assert_eq!(a.status, 503, "{}", a.body);
            assert_eq!(a.json()["status"], "loading", "{}", a.body);
            assert!(
                t0.elapsed() < within,
                "not ready after {within:?}: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
    }

    /// Waits (bounded) for the process to exit.
    pub fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let t0 = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                return s;
            }
            assert!(
                t0.elapsed() < within,
                "server still running {within:?} after SIGTERM: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn answer(res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut res = res.expect("HTTP request");
    let header = |n: &str| {
        res.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    let retry_after = header("retry-after");
    let www_authenticate = header("www-authenticate");
    Answer {
        status: res.status().as_u16(),
        retry_after,
        www_authenticate,
        body: res.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// Checks a report against docs/report.schema.json.
pub fn assert_schema(report: &serde_json::Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "report off schema: {errors:?}");
}
