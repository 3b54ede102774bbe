//! Headless Chromium for the browser tests of `sharestat ui`: Debian's `chromium` driven over
//! WebDriver by its `chromedriver` (through `fantoccini`). Without them (a developer's
//! machine), [`Browser::start`] says that the test is skipped and why; `.ci/run` installs them.
#![allow(dead_code)]
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A program on the `PATH`.
fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

/// A running chromedriver and one headless Chromium session.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: tempfile::TempDir,
    /// Where this test's screenshots go.
    shots: PathBuf,
    shot: usize,
}

impl Browser {
    /// Starts Chromium for the test `test`, or `None` (printing why) when the machine has no
    /// Chromium or chromedriver. `host_rules`: Chromium's `--host-resolver-rules` (names
    /// resolved to 127.0.0.1, as DNS rebinding would).
    pub async fn start(test: &str, host_rules: Option<&str>) -> Option<Browser> {
        let (Some(driver), Some(chromium)) = (
            which("chromedriver"),
            which("chromium").or_else(|| which("chromium-browser")),
        ) else {
            eprintln!(
                "SKIPPED {test}: no chromium and chromedriver on the PATH (Debian: apt-get \
                 install chromium chromium-driver; .ci/run installs them)"
            );
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().unwrap();
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1280,1000".into(),
            "--no-first-run".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        if let Some(r) = host_rules {
            args.push(format!("--host-resolver-rules={r}"));
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({"binary": chromium, "args": args}),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() > deadline => panic!("chromium did not start: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("browser-screenshots")
            .join(test);
        std::fs::create_dir_all(&shots).unwrap();
        Some(Browser {
            client,
            driver: child,
            profile,
            shots,
            shot: 0,
        })
    }

    /// Saves a screenshot of the page as `NN-name.png` in the test's directory.
    pub async fn screenshot(&mut self, name: &str) -> PathBuf {
        self.shot += 1;
        let png = self.client.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        let path = self.shots.join(format!("{:02}-{name}.png", self.shot));
        std::fs::write(&path, png).unwrap();
        path
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// The visible text of the page (empty while a new page is loading).
    pub async fn text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// The page's markup.
    pub async fn source(&self) -> String {
        self.client.source().await.unwrap()
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.client.find(Locator::Css(css)).await.unwrap();
        e.clear().await.ok();
        e.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Sets a textarea's or input's value directly (long scripts typed key by key are slow).
    pub async fn set_value(&self, css: &str, text: &str) {
        self.client
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1];",
                vec![json!(css), json!(text)],
            )
            .await
            .unwrap();
    }

    /// Waits until the page's text holds `needle` (up to 60 s); the text.
    pub async fn wait_text(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let t = self.text().await;
            if t.contains(needle) {
                return t;
            }
            assert!(Instant::now() < deadline, "no {needle:?} in: {t}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs `script` in the page.
    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// Signs in: opens the one-time `url`, enters `token`.
    pub async fn sign_in(&self, url: &str, token: &str) {
        self.goto(url).await;
        self.fill("#token", token).await;
        self.click("form[action='/signin'] button").await;
    }

    /// Ends the session (Chromium exits) and stops the driver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// The driver is stopped however the test ends (a failed assertion too); it takes its
/// Chromium with it.
impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
