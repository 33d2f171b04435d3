//! `kundenwert user`, `token` and `serve` as a user runs them: the password from stdin, the
//! token as the last line, the server answering on the address it prints.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;

use super::{kundenwert, run, workdir};

/// `kundenwert ARGS` with `input` on stdin.
fn with_stdin(dir: &std::path::Path, args: &[&str], input: &str) -> super::Run {
    let mut child = kundenwert(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    super::Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn users_get_their_password_from_stdin_and_tokens_print_last() {
    let dir = workdir();
    let d = dir.path();
    let added = with_stdin(
        d,
        &["user", "add", "anna", "--role", "admin"],
        "correct horse battery\n",
    );
    assert_eq!(added.code, 0, "{}", added.render());
    assert!(added.stdout.contains("`anna`"), "{}", added.stdout);

    let short = with_stdin(d, &["user", "add", "bert"], "short\n");
    assert_eq!(short.code, 2, "{}", short.render());
    assert!(
        short.stderr.contains("at least 10 characters"),
        "{}",
        short.stderr
    );

    let none = with_stdin(d, &["user", "add", "bert"], "");
    assert_eq!(none.code, 2, "{}", none.render());
    assert!(none.stderr.contains("hint:"), "{}", none.stderr);

    let twice = with_stdin(d, &["user", "add", "ANNA"], "another long password\n");
    assert_eq!(twice.code, 1, "{}", twice.render());

    let listed = run(d, &["user", "list"]);
    assert!(
        listed.stdout.starts_with("anna\tadmin\t"),
        "{}",
        listed.stdout
    );

    let token = run(d, &["token", "create", "scripts"]);
    assert_eq!(token.code, 0, "{}", token.render());
    let last = token.stdout.lines().last().unwrap();
    assert!(last.starts_with("kw_") && last.len() > 40, "{last}");
    let tokens = run(d, &["token", "list"]);
    assert!(
        tokens.stdout.contains("scripts\tanna\tkw_"),
        "{}",
        tokens.stdout
    );
    assert!(
        !tokens.stdout.contains(last),
        "the token itself is never listed again"
    );
}

#[test]
fn serve_answers_on_the_address_it_prints() {
    let dir = workdir();
    let d = dir.path();
    let mut child = kundenwert(d)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.contains("`admin`"),
        "a first admin is made and printed: {first}"
    );
    let listening = lines.next().unwrap().unwrap();
    let address = listening
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("no address in {listening:?}"))
        .to_owned();
    let get = |path: &str| {
        let mut stream = TcpStream::connect(&address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    let health = get("/healthz");
    let login = get("/");
    child.kill().unwrap();
    let _ = child.wait();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(
        login.starts_with("HTTP/1.1 303") && login.contains("location: /login"),
        "{login}"
    );
}
