//! The `relais` binary, run as a person would run it: exit codes, the one-line
//! `error:` messages, and a real server answering HTTP and stopping on SIGTERM.
//!
//! Each test works in its own temporary directory (also the working directory,
//! so no `relais.toml` is picked up by accident) with every `RELAIS_*`
//! variable removed. Servers listen on 127.0.0.1 with a port picked by the OS,
//! and are killed when their guard is dropped, whatever happens.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use relais_store::demo::DEMO_USERS;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_relais");
/// No single command should take longer (argon2 and migrations included).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
const PASSWORD: &str = "correct-horse-battery";

/// A temporary directory to run `relais` in, with its data directory inside.
struct Sandbox {
    dir: tempfile::TempDir,
}

/// What a finished command left behind.
#[derive(Debug)]
struct Output {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Sandbox {
    fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn data_dir(&self) -> PathBuf {
        self.path().join("data")
    }

    /// `relais --data-dir DATA ARGS…` in the sandbox (unless ARGS name their own
    /// `--data-dir`), with a clean environment plus `env`.
    fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_clear();
        for key in ["PATH", "HOME"] {
            if let Some(v) = std::env::var_os(key) {
                cmd.env(key, v);
            }
        }
        cmd.envs(env.iter().copied()).current_dir(self.path());
        if !args.contains(&"--data-dir") {
            cmd.arg("--data-dir").arg(self.data_dir());
        }
        cmd.args(args);
        cmd
    }

    /// Runs a command to completion; `stdin` is piped in (empty when `None`).
    fn run_with(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
        let mut child = self
            .command(args, env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
        drop(input);
        let out = collect(child.stdout.take().unwrap());
        let err = collect(child.stderr.take().unwrap());
        let status = wait_for(&mut child, COMMAND_TIMEOUT)
            .unwrap_or_else(|| panic!("relais {args:?} did not finish in {COMMAND_TIMEOUT:?}"));
        Output {
            status,
            stdout: out.join().unwrap(),
            stderr: err.join().unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[], None)
    }

    /// Runs a command that must succeed; returns its standard output.
    fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run_with(args, &[], stdin);
        assert!(out.status.success(), "relais {args:?} failed: {out:?}");
        out.stdout
    }

    /// Starts `relais serve ARGS…` and waits for its "listening" line.
    fn serve(&self, args: &[&str]) -> Server {
        let mut all = vec!["serve"];
        all.extend_from_slice(args);
        let mut child = self
            .command(&all, &[])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let log = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&log);
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut server = Server {
            child,
            lines,
            stderr: log,
            printed: Vec::new(),
            addr: String::new(),
        };
        let deadline = Instant::now() + COMMAND_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match server.lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(at) = line.find("listening on http://") {
                        server.addr = line[at + "listening on http://".len()..].trim().into();
                        server.printed.push(line);
                        return server;
                    }
                    server.printed.push(line);
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("relais {all:?} did not listen in time: {server:?}")
                }
                Err(RecvTimeoutError::Disconnected) => {
                    // Give the stderr reader a moment to collect the reason.
                    thread::sleep(Duration::from_millis(200));
                    panic!("relais {all:?} exited before listening: {server:?}")
                }
            }
        }
    }

    /// migrate, one workspace `brand-x`, and a manager `a@x.fr` in it.
    fn with_manager(&self) {
        self.ok(&["migrate"], None);
        self.ok(&["workspace", "add", "brand-x", "--name", "Brand X"], None);
        self.ok(
            &[
                "user",
                "add",
                "a@x.fr",
                "--role",
                "manager",
                "--workspace",
                "brand-x",
            ],
            Some(&format!("{PASSWORD}\n")),
        );
    }
}

/// A running `relais serve`, killed when dropped.
struct Server {
    child: Child,
    lines: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    /// Standard output up to and including the "listening" line.
    printed: Vec<String>,
    /// host:port it listens on.
    addr: String,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stderr = self.stderr.lock().map(|s| s.clone()).unwrap_or_default();
        f.debug_struct("Server")
            .field("pid", &self.child.id())
            .field("stdout", &self.printed)
            .field("stderr", &stderr)
            .finish()
    }
}

impl Server {
    /// Sends SIGTERM and waits up to `limit` for the process to exit.
    fn terminate(&mut self, limit: Duration) -> ExitStatus {
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success(), "kill -TERM failed");
        let status = wait_for(&mut self.child, limit);
        status.unwrap_or_else(|| panic!("no exit {limit:?} after SIGTERM: {self:?}"))
    }

    /// Everything printed on standard output after the "listening" line so far.
    fn later_output(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect<R: Read + Send + 'static>(mut r: R) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Waits for `child` to exit, for at most `limit`; kills it if it does not.
fn wait_for(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Asserts a failure with exactly one line on standard error, an `error:` line
/// without panic or backtrace, and returns it.
fn one_error(out: &Output) -> &str {
    assert!(!out.status.success(), "expected a failure: {out:?}");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr: {out:?}");
    let line = lines[0];
    assert!(line.starts_with("error: "), "{out:?}");
    let lower = out.stderr.to_lowercase();
    assert!(
        !lower.contains("panicked") && !lower.contains("backtrace"),
        "{out:?}"
    );
    line
}

fn assert_has(line: &str, parts: &[&str]) {
    for part in parts {
        assert!(line.contains(part), "{part:?} not in {line:?}");
    }
}

/// A minimal HTTP/1.1 response.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// `GET path` with `Connection: close`, read to the end (std only).
fn http_get(addr: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut head_lines = head.split("\r\n");
    let status_line = head_lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = head_lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n").unwrap();
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
}

// --- 1. configuration errors ----------------------------------------------------

#[test]
fn bad_configuration_is_one_line_naming_the_key() {
    let s = Sandbox::new();

    std::fs::write(s.path().join("relais.toml"), "[server]\nbnd = \"x\"\n").unwrap();
    let out = s.run(&["check-config"]);
    assert_has(one_error(&out), &["server.bnd", "relais.toml", "bind"]);

    std::fs::write(
        s.path().join("relais.toml"),
        "[server]\nrequest_timeout_secs = \"soon\"\n",
    )
    .unwrap();
    let out = s.run(&["migrate"]);
    assert_has(one_error(&out), &["server.request_timeout_secs", "soon"]);

    // A TOML syntax error quotes the line: still one line.
    std::fs::write(s.path().join("relais.toml"), "[server\nbind = 1\n").unwrap();
    let out = s.run(&["migrate"]);
    assert_has(one_error(&out), &["line 1", "relais.toml"]);
    std::fs::remove_file(s.path().join("relais.toml")).unwrap();

    let out = s.run(&["--config", "missing.toml", "migrate"]);
    assert_has(one_error(&out), &["missing.toml not found", "--config"]);

    let out = s.run_with(&["migrate"], &[("RELAIS_SERVER__BIND", "nonsense")], None);
    assert_has(one_error(&out), &["server.bind", "nonsense"]);

    let out = s.run_with(&["migrate"], &[("RELAIS_SERVER__BOGUS", "1")], None);
    assert_has(one_error(&out), &["server.bogus", "environment"]);

    // check-config validates what serve would refuse.
    let out = s.run_with(&["check-config"], &[("RELAIS_LOG__LEVEL", "x=y=[")], None);
    assert_has(one_error(&out), &["log.level"]);

    // Nothing was created by the failed commands.
    assert!(!s.data_dir().exists());
}

// --- 2. check-config ----------------------------------------------------------------

#[test]
fn check_config_prints_the_configuration_and_checks_the_database() {
    let s = Sandbox::new();

    // A fresh installation: valid, and checking does not create the database.
    let out = s.ok(&["check-config"], None);
    assert_has(
        &out,
        &["[server]", "bind = \"127.0.0.1:8080\"", "no database at"],
    );
    assert!(!s.data_dir().join("relais.sqlite3").exists());
    s.ok(&["migrate"], None);
    let out = s.ok(&["check-config"], None);
    assert_has(
        &out,
        &[
            "[server]",
            "bind = \"127.0.0.1:8080\"",
            "[database]",
            "database reachable at sqlite://",
        ],
    );
    let parsed: toml::Table = toml::from_str(&out).unwrap();
    assert!(parsed.contains_key("log"), "{out}");

    let started = Instant::now();
    let out = s.run_with(
        &[
            "--database-url",
            "postgres://relais:s3cret@127.0.0.1:1/none",
            "check-config",
        ],
        &[("RELAIS_DATABASE__CONNECT_TIMEOUT_SECS", "2")],
        None,
    );
    let took = started.elapsed();
    let line = one_error(&out);
    assert_has(
        line,
        &[
            "127.0.0.1:1/none",
            "--database-url",
            "database server",
            "refused",
        ],
    );
    assert!(!line.contains("s3cret"), "{line}");
    assert!(!out.stdout.contains("s3cret"), "{}", out.stdout);
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

// --- 3. the port is taken ------------------------------------------------------------

#[test]
fn serve_on_a_busy_port_says_so() {
    let s = Sandbox::new();
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let out = s.run(&["serve", "--bind", &addr]);
    let line = one_error(&out);
    assert_has(line, &["cannot listen on", &addr, "--bind"]);
    assert!(
        line.to_lowercase().contains("address already in use"),
        "{line}"
    );
    drop(busy);
}

// --- 4. accounts ---------------------------------------------------------------------

#[test]
fn user_add_creates_accounts_and_refuses_bad_input_without_writing() {
    let s = Sandbox::new();
    let out = s.ok(&["migrate"], None);
    assert!(out.starts_with("migrations applied to sqlite://"), "{out}");
    let out = s.ok(&["workspace", "add", "brand-x", "--name", "Brand X"], None);
    assert_has(&out, &["brand-x", "Brand X"]);
    let out = s.run(&["workspace", "add", "brand-x"]);
    assert_has(one_error(&out), &["brand-x", "taken"]);
    let out = s.run(&["workspace", "add", "Brand X"]);
    assert_has(one_error(&out), &["invalid workspace slug"]);

    let add_a = [
        "user",
        "add",
        "a@x.fr",
        "--role",
        "manager",
        "--workspace",
        "brand-x",
    ];
    let out = s.ok(&add_a, Some(&format!("{PASSWORD}\n")));
    assert_has(&out, &["a@x.fr added to brand-x as manager"]);
    assert!(!out.contains("password"), "{out}");

    // Empty standard input: a password is generated and printed once.
    let out = s.ok(&["user", "add", "b@x.fr", "--admin"], None);
    assert_has(&out, &["b@x.fr created (instance administrator)"]);
    let generated = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .unwrap_or_else(|| panic!("no generated password in {out:?}"));
    assert!(generated.len() >= 12, "{generated}");

    let out = s.run_with(&add_a, &[], Some(&format!("{PASSWORD}\n")));
    assert_has(one_error(&out), &["cannot create the account", "email"]);
    // The same address in capitals is the same account.
    let out = s.run_with(&["user", "add", "B@X.FR", "--admin"], &[], None);
    assert_has(one_error(&out), &["already taken"]);

    let pw = format!("{PASSWORD}\n");
    let refused: [(&[&str], &str, &[&str]); 6] = [
        (
            &[
                "user",
                "add",
                "c@x.fr",
                "--role",
                "boss",
                "--workspace",
                "brand-x",
            ],
            &pw,
            &["unknown role \"boss\"", "viewer"],
        ),
        (
            &[
                "user",
                "add",
                "c@x.fr",
                "--role",
                "viewer",
                "--workspace",
                "nope",
            ],
            &pw,
            &["no workspace \"nope\"", "relais workspace add"],
        ),
        (
            &["user", "add", "c@x.fr@", "--role", "viewer"],
            &pw,
            &["\"c@x.fr@\" is not a valid e-mail address"],
        ),
        (
            &["user", "add", "c@x.fr", "--role", "viewer"],
            "short\n",
            &["12 to 256 characters"],
        ),
        (
            &["user", "add", "c@x.fr", "--workspace", "brand-x"],
            &pw,
            &["--workspace needs --role"],
        ),
        (&["user", "add", "c@x.fr"], &pw, &["--role", "--admin"]),
    ];
    for (args, stdin, expected) in refused {
        let out = s.run_with(args, &[], Some(stdin));
        assert_has(one_error(&out), expected);
    }
    // Nothing half-written: no account c@x.fr exists.
    let out = s.run(&["token", "create", "--user", "c@x.fr"]);
    assert_has(
        one_error(&out),
        &["no account for c@x.fr", "relais user add"],
    );

    // With exactly one workspace, --workspace may be omitted.
    let out = s.ok(
        &["user", "add", "c@x.fr", "--role", "viewer"],
        Some(&format!("{PASSWORD}\r\n")),
    );
    assert_has(&out, &["c@x.fr added to brand-x as viewer"]);
}

// --- 5. API token, a live server, graceful shutdown -----------------------------------

#[test]
fn token_works_against_the_running_server_which_stops_on_sigterm() {
    let s = Sandbox::new();
    s.with_manager();
    let token = s.ok(&["token", "create", "--user", "a@x.fr"], None);
    let token = token.trim();
    assert!(token.starts_with("rls_"), "{token}");
    assert_eq!(token.lines().count(), 1, "{token}");

    let mut server = s.serve(&["--bind", "127.0.0.1:0"]);
    assert!(server.addr.starts_with("127.0.0.1:"), "{server:?}");

    let bearer = format!("Bearer {token}");
    let r = http_get(&server.addr, "/api/v1/me", &[("Authorization", &bearer)]);
    assert_eq!(r.status, 200, "{r:?}");
    let me: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(me["email"], "a@x.fr", "{r:?}");

    let r = http_get(&server.addr, "/api/v1/me", &[]);
    assert_eq!(r.status, 401, "{r:?}");
    assert_has(
        r.header("content-type").unwrap_or(""),
        &["application/problem+json"],
    );
    let problem: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(problem["status"], 401, "{r:?}");

    let r = http_get(
        &server.addr,
        "/api/v1/me",
        &[("Authorization", "Bearer rls_not-a-token")],
    );
    assert_eq!(r.status, 401, "{r:?}");

    let r = http_get(
        &server.addr,
        "/api/v1/workspaces/brand-x/members",
        &[("Authorization", &bearer)],
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_has(&r.body, &["a@x.fr"]);

    let status = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{status:?} {server:?}");
    assert!(server.later_output().is_empty(), "{server:?}");
    let log = server.stderr.lock().unwrap().clone();
    assert!(!log.to_lowercase().contains("panicked"), "{log}");
}

#[test]
fn sigterm_right_after_listening_is_graceful() {
    let s = Sandbox::new();
    s.ok(&["migrate"], None);
    for _ in 0..3 {
        let mut server = s.serve(&["--bind", "127.0.0.1:0"]);
        let status = server.terminate(Duration::from_secs(10));
        assert!(status.success(), "{status:?} {server:?}");
    }
}

// --- 6. the demo -----------------------------------------------------------------------

#[test]
fn demo_fills_an_empty_database_only() {
    let s = Sandbox::new();
    let password = "demo-password-12";
    let mut server = s.serve(&[
        "--demo",
        "--demo-password",
        password,
        "--bind",
        "127.0.0.1:0",
    ]);
    let printed = server.printed.join("\n");
    for (email, name, ..) in DEMO_USERS {
        assert_has(&printed, &[email, name]);
    }
    assert_has(
        &printed,
        &["demo agency created", "relais listening on http://"],
    );
    assert!(!printed.contains(password), "{printed}");
    // The demo data is there: its API answers a demo user's token.
    let status = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    drop(server);

    let token = s.ok(&["token", "create", "--user", "manager@demo.local"], None);
    assert!(token.starts_with("rls_"), "{token}");

    s.ok(&["user", "add", "real@x.fr", "--admin"], None);
    let out = s.run(&[
        "serve",
        "--demo",
        "--demo-password",
        password,
        "--bind",
        "127.0.0.1:0",
    ]);
    assert_has(one_error(&out), &["not demo data", "--data-dir"]);
    assert!(!out.stdout.contains("listening"), "{out:?}");

    let fresh = Sandbox::new();
    let out = fresh.run(&[
        "serve",
        "--demo",
        "--demo-password",
        "short",
        "--bind",
        "127.0.0.1:0",
    ]);
    assert_has(one_error(&out), &["--demo-password", "12 to 256"]);
    // Refused before anything was created.
    assert!(!fresh.data_dir().exists());
}

// --- 7. backups --------------------------------------------------------------------------

#[test]
fn backup_copies_the_live_database() {
    let s = Sandbox::new();
    s.with_manager();
    let server = s.serve(&["--bind", "127.0.0.1:0"]);

    let copy = s.path().join("copy.sqlite3");
    let copy_str = copy.to_str().unwrap();
    let out = s.ok(&["backup", copy_str], None);
    assert_has(&out, &["backup written to", copy_str]);
    assert!(copy.is_file());

    // The copy is a complete database: it knows a@x.fr.
    let copy_url = format!("sqlite://{copy_str}");
    let out = s.ok(&["--database-url", &copy_url, "check-config"], None);
    assert_has(&out, &["database reachable", copy_str]);
    let token = s.ok(
        &[
            "--database-url",
            &copy_url,
            "token",
            "create",
            "--user",
            "a@x.fr",
        ],
        None,
    );
    assert!(token.starts_with("rls_"), "{token}");

    let out = s.run(&["backup", copy_str]);
    assert_has(one_error(&out), &["already exists", copy_str]);

    let out = s.run(&["backup", "no-such-dir/copy.sqlite3"]);
    assert_has(one_error(&out), &["no-such-dir", "does not exist"]);

    let out = s.run(&[
        "--database-url",
        "postgres://relais:s3cret@127.0.0.1:1/relais",
        "backup",
        "pg.dump",
    ]);
    let line = one_error(&out);
    assert_has(line, &["pg_dump"]);
    assert!(!s.path().join("pg.dump").exists());

    // A mistyped data directory is not backed up as a new, empty database.
    let out = s.run(&[
        "--data-dir",
        "typo",
        "backup",
        s.path().join("typo.sqlite3").to_str().unwrap(),
    ]);
    assert_has(one_error(&out), &["no database at", "--data-dir"]);
    assert!(!s.path().join("typo").exists());
    drop(server);
}

#[test]
fn logs_are_json_lines_when_configured() {
    let s = Sandbox::new();
    std::fs::write(
        s.path().join("relais.toml"),
        "[log]\nformat = \"json\"\nlevel = \"info\"\n",
    )
    .unwrap();
    s.ok(&["migrate"], None);
    let mut server = s.serve(&["--bind", "127.0.0.1:0"]);
    let r = http_get(&server.addr, "/healthz", &[]);
    assert_eq!(r.status, 200, "{r:?}");
    let status = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{status:?} {server:?}");
    let log = server.stderr.lock().unwrap().clone();
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        lines.len() >= 2,
        "expected the listening and shutdown events: {log}"
    );
    for line in lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(
            v["level"].is_string() && v["timestamp"].is_string(),
            "{line}"
        );
    }
    assert!(log.contains("\"message\":\"listening\""), "{log}");
}
