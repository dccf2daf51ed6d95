//! A real SMTP server for tests (feature `testing`): aiosmtpd, run by
//! `scripts/smtp_sink.py`, keeping every message as a file.
//!
//! [`SmtpSink::start`] uses the server named by the environment when both
//! `TEST_SMTP_URL` (`smtp://127.0.0.1:PORT`) and `TEST_SMTP_DIR` (its message
//! directory) are set, as `scripts/test.sh` does with
//! `scripts/smtp-test-server.sh`. Otherwise it starts a server of its own for
//! this test process: Python venv from `scripts/python-tools.sh` (python3 and
//! python3-venv needed; packages from PyPI the first time), a free port, a
//! temporary directory; the server stops when the sink is dropped or when the
//! test process is gone. It never skips: without a server it panics and says
//! what to install.
//!
//! Messages are found by a string they contain (give each test a unique token),
//! so several tests can share one server.

#![allow(clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running SMTP server and the directory its messages are written to.
pub struct SmtpSink {
    url: String,
    dir: PathBuf,
    child: Option<Child>,
    _tmp: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for SmtpSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSink")
            .field("url", &self.url)
            .field("dir", &self.dir)
            .finish()
    }
}

/// One received message: the `<n>.eml` bytes and the `<n>.json` written beside
/// it by the server (envelope, plus the message as Python's `email` package
/// decodes it: `subject`, `from`, `to`, `body`, `headers`, `charset`…).
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub path: PathBuf,
    pub raw: Vec<u8>,
    /// The `<n>.json` text (parse it with serde_json).
    pub json: String,
}

fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts")
}

const HOW_TO_GET_ONE: &str = "the e-mail tests need a real SMTP server (aiosmtpd): install python3 and python3-venv (Debian: apt-get install -y python3 python3-venv) so that scripts/python-tools.sh can build its venv from PyPI, or start one with `scripts/smtp-test-server.sh start` and set TEST_SMTP_URL (its URL) and TEST_SMTP_DIR (the output of `scripts/smtp-test-server.sh dir`)";

impl SmtpSink {
    /// The shared server of the environment, or a new one for this process.
    pub fn start() -> SmtpSink {
        match (
            std::env::var("TEST_SMTP_URL"),
            std::env::var("TEST_SMTP_DIR"),
        ) {
            (Ok(url), Ok(dir)) if !url.is_empty() && !dir.is_empty() => {
                let dir = PathBuf::from(dir);
                assert!(
                    dir.is_dir(),
                    "TEST_SMTP_DIR={} is not a directory; {HOW_TO_GET_ONE}",
                    dir.display()
                );
                SmtpSink {
                    url,
                    dir,
                    child: None,
                    _tmp: None,
                }
            }
            (Ok(_), Err(_)) | (Err(_), Ok(_)) => {
                panic!("set both TEST_SMTP_URL and TEST_SMTP_DIR, or neither; {HOW_TO_GET_ONE}")
            }
            _ => Self::spawn(None),
        }
    }

    /// A new server of this process that requires `AUTH` with these credentials.
    pub fn start_with_auth(user: &str, password: &str) -> SmtpSink {
        Self::spawn(Some(format!("{user}:{password}")))
    }

    fn spawn(auth: Option<String>) -> SmtpSink {
        let tools = Command::new("bash")
            .arg(scripts_dir().join("python-tools.sh"))
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|e| {
                panic!("could not run bash scripts/python-tools.sh: {e}; {HOW_TO_GET_ONE}")
            });
        assert!(
            tools.status.success(),
            "scripts/python-tools.sh failed ({}); {HOW_TO_GET_ONE}",
            tools.status
        );
        let python = String::from_utf8_lossy(&tools.stdout).trim().to_string();
        let tmp = tempfile::Builder::new()
            .prefix("relais-smtp-")
            .tempdir()
            .expect("temporary directory");
        let dir = tmp.path().join("mail");
        let ready = tmp.path().join("url");
        let mut cmd = Command::new(&python);
        cmd.arg(scripts_dir().join("smtp_sink.py"))
            .arg("--dir")
            .arg(&dir)
            .arg("--ready-file")
            .arg(&ready)
            .arg("--parent-pid")
            .arg(std::process::id().to_string())
            .arg("--max-seconds")
            .arg("1800")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if let Some(auth) = &auth {
            cmd.arg("--auth").arg(auth);
        }
        let mut child = cmd.spawn().unwrap_or_else(|e| {
            panic!("could not start {python} scripts/smtp_sink.py: {e}; {HOW_TO_GET_ONE}")
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let url = loop {
            if let Ok(text) = std::fs::read_to_string(&ready) {
                if !text.trim().is_empty() {
                    break text.trim().to_string();
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("scripts/smtp_sink.py exited at start ({status}); {HOW_TO_GET_ONE}");
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("scripts/smtp_sink.py did not start listening within 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        SmtpSink {
            url,
            dir,
            child: Some(child),
            _tmp: Some(tmp),
        }
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Where the messages are written.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every message received so far, in order of arrival.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let mut numbered: Vec<(u64, PathBuf)> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter_map(|p| {
                        let n = p
                            .file_name()?
                            .to_str()?
                            .strip_suffix(".eml")?
                            .parse()
                            .ok()?;
                        Some((n, p))
                    })
                    .collect()
            })
            .unwrap_or_default();
        numbered.sort();
        numbered
            .into_iter()
            .filter_map(|(_, path)| {
                let raw = std::fs::read(&path).ok()?;
                let json = std::fs::read_to_string(path.with_extension("json")).ok()?;
                Some(ReceivedMail { path, raw, json })
            })
            .collect()
    }

    /// The first message whose raw bytes or decoded view contain `needle`,
    /// waiting up to `timeout`; panics with what arrived otherwise.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> ReceivedMail {
        let deadline = Instant::now() + timeout;
        loop {
            let all = self.messages();
            if let Some(found) = all.iter().find(|m| {
                m.json.contains(needle) || String::from_utf8_lossy(&m.raw).contains(needle)
            }) {
                return found.clone();
            }
            if Instant::now() > deadline {
                panic!(
                    "no message containing {needle:?} arrived at {} within {timeout:?}; {} message(s) there",
                    self.url,
                    all.len()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
