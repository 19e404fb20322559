//! The page of `brief serve` in a real browser: headless Chromium driven through chromedriver
//! (WebDriver). Paste the sample article, submit, wait for the actor table, click an actor and
//! see its evidence highlighted and scrolled to; an article carrying `<script>` shows as text
//! and opens no dialog. Leaves a screenshot at target/serve-page.png.
//!
//! Needs `chromium` and `chromedriver` (Debian: `apt-get install chromium chromium-driver`;
//! scripts/test installs them when missing).

mod common;
mod serve_support;

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use serve_support::Server;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// chromedriver on a free port; killed on drop.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("chromedriver not runnable ({e}); install chromium and chromium-driver (scripts/test does)")
        });
    Driver(child, port)
}

async fn connect(port: u16) -> Client {
    let mut caps = serde_json::Map::new();
    let mut opts = serde_json::json!({"args": [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1280,1500", "--force-prefers-reduced-motion",
    ]});
    if std::path::Path::new("/usr/bin/chromium").exists() {
        opts["binary"] = "/usr/bin/chromium".into();
    }
    caps.insert("goog:chromeOptions".into(), opts);
    let url = format!("http://127.0.0.1:{port}");
    // chromedriver takes a moment to listen.
    for _ in 0..100 {
        let mut b = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        if let Ok(c) = b.capabilities(caps.clone()).connect(&url).await {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot reach chromedriver at {url}");
}

async fn css(c: &Client, sel: &str) -> Element {
    c.find(Locator::Css(sel))
        .await
        .unwrap_or_else(|e| panic!("{sel}: {e}"))
}

/// Fills the form and submits; waits for the report to appear.
async fn submit(c: &Client, text: &str, actors: &str, target: &str) {
    let area = css(c, "#text").await;
    area.clear().await.unwrap();
    area.send_keys(text).await.unwrap();
    let a = css(c, "#actors").await;
    a.clear().await.unwrap();
    a.send_keys(actors).await.unwrap();
    let t = css(c, "#target").await;
    t.clear().await.unwrap();
    t.send_keys(target).await.unwrap();
    css(c, "#go").await.click().await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(600))
        .for_element(Locator::Css("#result table.actor-table tbody tr"))
        .await
        .expect("the actor table appears");
}

#[test]
fn page_highlights_evidence_and_keeps_scripts_as_text() {
    common::ensure_test_models();
    let srv = Server::start(
        &[
            "--summarizer",
            "smollm2-135m-instruct",
            "--classifier",
            "smollm2-135m-instruct",
            "--max-new-tokens",
            "40",
        ],
        None,
    );
    srv.wait_ready(Duration::from_secs(120));
    let driver = start_driver();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = connect(driver.1).await;
        c.goto(&srv.base).await.unwrap();
        assert_eq!(c.title().await.unwrap(), "brief");
        let article = std::fs::read_to_string(common::article_path()).unwrap();
        submit(
            &c,
            &article,
            "ECOWAS=Economic Community of West African States\nFrance=French",
            "sanctions on Niger",
        )
        .await;
        assert!(css(&c, "#result h1").await.text().await.unwrap().contains("Niger"));
        // Nothing is selected yet; click the first actor.
        assert!(c.find_all(Locator::Css(".ev.on")).await.unwrap().is_empty());
        css(&c, "#result button.actor[data-actor=\"0\"]").await.click().await.unwrap();
        let on = c.find_all(Locator::Css("#result .ev.on")).await.unwrap();
        assert!(!on.is_empty(), "ECOWAS's evidence is highlighted");
        for el in &on {
            let ids = el.attr("data-actors").await.unwrap().unwrap_or_default();
            assert!(ids.split(' ').any(|i| i == "0"), "{ids}");
        }
        let cur = css(&c, "#result .ev.on.cur").await;
        assert!(cur.text().await.unwrap().contains("ECOWAS"));
        // The marked sentence is scrolled into view (smooth scrolling is off: reduced motion).
        tokio::time::sleep(Duration::from_millis(800)).await;
        let visible = c
            .execute(
                "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;",
                vec![serde_json::to_value(&cur).unwrap()],
            )
            .await
            .unwrap();
        assert_eq!(visible, serde_json::Value::Bool(true), "evidence scrolled into view");
        // Other actors' marks are not highlighted.
        let france_only = c
            .find_all(Locator::Css("#result .ev[data-actors=\"1\"].on"))
            .await
            .unwrap();
        assert!(france_only.is_empty());
        // The view after the click (the marked sentence in the middle) is the README's picture.
        let png = c.screenshot().await.unwrap();
        let shot = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/serve-page.png");
        std::fs::write(&shot, png).unwrap();

        // An article that carries markup: shown as text, no dialog, no element made of it.
        let evil = "Hello <script>alert(1)</script> world\n\nThe ECOWAS bloc said <script>alert(1)</script> it opposes the sanctions. <img src=x onerror=alert(2)> It met on Monday.";
        submit(&c, evil, "ECOWAS", "the sanctions").await;
        let body = css(&c, "#result .article").await.text().await.unwrap();
        assert!(body.contains("said <script>alert(1)</script> it opposes"), "{body}");
        assert!(body.contains("<img src=x onerror=alert(2)>"), "{body}");
        let title = css(&c, "#result h1").await.text().await.unwrap();
        assert_eq!(title, "Hello <script>alert(1)</script> world");
        assert!(c.find_all(Locator::Css("#result script, #result img")).await.unwrap().is_empty());
        assert!(c.get_alert_text().await.is_err(), "no dialog opened");
        c.close().await.unwrap();
    });
}
