//! A fault matrix over real sockets: a raw loopback server (127.0.0.1, port 0) that
//! misbehaves on purpose at byte level, and the hyper client of `medusa-auth-hyper`
//! that must map every fault onto the typed errors and retry exactly as the retry rules say.
//!
//! Every row of [`matrix`] runs twice, with retries off (`max_retries` 0) and on
//! (`max_retries` 2, no jitter, the core's back-off of 0.5 s then 1.5 s). Each run
//! checks the outcome (success, or the error variant and `TransportErrorKind`), the
//! attempts the client made and the server saw, and the waits the client asked for.
//! A timeout row proves its timeout fired by its outcome (`TimedOut`), by the
//! attempts the server counted, and by taking at least the timeouts and waits it
//! adds up to. No run is held to a wall-time budget but a generous [`ROW_LIMIT`]
//! that only catches a hang: a loaded machine (a release build beside it on two
//! cores) must stay green. All runs go concurrently, and the matrix is printed at the
//! end (`cargo test -p medusa-auth-e2e --test fault_matrix -- --nocapture`).
//!
//! Retried: no response (connection error, timeout, a reset, a cut body, a
//! garbage status line), 409 and 501–599. Not retried: an oversize body (that is a
//! response), a malformed 200, 500, 429, other 4xx. A `Retry-After` of
//! 0 < v ≤ 300 s (seconds or HTTP-date) replaces the back-off; any other value stops.

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;
use http::StatusCode;
use medusa_auth_hyper::{Client, Error, RetryPolicy, Sleep, TransportErrorKind};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// The response-size limit of every client in the matrix (the recorded 200s are
/// 283 and 227 bytes).
const MAX_RESPONSE_BYTES: usize = 1024;
/// `max_retries` when retries are on.
const MAX_RETRIES: u32 = 2;
/// The request timeout of the rows about slowness. Their server is slower than
/// this by seconds (it never answers, or trickles a body over 6.4 s), so the
/// timeout fires however loaded the machine is.
const SLOW: Duration = Duration::from_secs(2);
/// The request timeout of the other rows: roomy, so a loaded machine cannot turn a
/// loopback answer into a timeout.
const ROOMY: Duration = Duration::from_secs(10);
/// The connect timeout of every client (loopback connects at once, or is refused).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A run still going after this is reported as a hang: only a hang, since the
/// slowest run (three timeouts and two waits) needs 8 s on an idle machine.
const ROW_LIMIT: Duration = Duration::from_secs(45);
/// How long the server side may lag behind the client in counting the requests it
/// read (its tasks may run late on a loaded machine).
const SERVER_GRACE: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------
// The matrix.
// ---------------------------------------------------------------------------------

/// The call a row makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    /// Admin `get_session`: GET /admin/auth (answered by recorded exchange 12).
    GetSession,
    /// Admin `get_token`: POST /admin/auth/token (answered by recorded exchange 15),
    /// which carries an `Idempotency-Key`.
    GetToken,
}

/// What the server does with one connection (it reads the whole request first).
#[derive(Debug, Clone)]
enum Act {
    /// The recorded 200 of the row's call, then a clean close.
    Recorded,
    /// `SO_LINGER` 0 and drop: a TCP reset instead of an answer.
    Reset,
    /// Writes these bytes, pauses, then resets.
    WriteThenReset(Vec<u8>),
    /// Writes these bytes, then a clean close (FIN).
    WriteThenClose(Vec<u8>),
    /// Never answers; holds the connection until the client gives up.
    Silent,
    /// Writes `head` at once, then `body` one byte every `every`.
    Trickle {
        head: Vec<u8>,
        body: Vec<u8>,
        every: Duration,
    },
    /// An error status with this kind of `Retry-After`, then a clean close.
    Status(u16, RetryAfter),
}

/// The `Retry-After` of an [`Act::Status`].
#[derive(Debug, Clone, Copy)]
enum RetryAfter {
    Absent,
    /// Sent as is: `1`, `-1`, `99999`.
    Value(&'static str),
    /// An HTTP-date this far ahead of the moment the answer is written.
    DateAhead(Duration),
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Success,
    Transport(TransportErrorKind),
    /// `Error::Api` with its status and `type`.
    Api(u16, String),
    /// `Error::UnexpectedResponse` with its status.
    Unexpected(u16),
    /// `Error::Decode` with its status.
    Decode(u16),
    /// Any other error (always a failure of the row).
    Other(String),
    /// Still running after [`ROW_LIMIT`].
    Hang,
}

/// A wait the client must ask its `Sleep` for between two attempts.
#[derive(Debug, Clone, Copy)]
enum Wait {
    Exactly(u64),
    Between(u64, u64),
}

/// What one run (retries off, or on) must produce.
#[derive(Debug, Clone)]
struct Expect {
    outcome: Outcome,
    /// Attempts made by the client; the server sees as many (none on a closed port).
    attempts: u32,
    waits: Vec<Wait>,
}

/// One row: a fault, and what it must lead to with retries off and on.
struct Row {
    name: &'static str,
    call: Call,
    /// What the server does with connection *i* (the last act repeats); empty: nothing
    /// listens on the port.
    script: Vec<Act>,
    request_timeout: Duration,
    off: Expect,
    on: Expect,
}

/// The whole matrix, in one place.
#[rustfmt::skip]
fn matrix() -> Vec<Row> {
    use Act::{Recorded, Reset, Silent, Status, WriteThenClose, WriteThenReset};
    use Call::{GetSession as Get, GetToken as Post};
    use Outcome::{Decode, Success, Unexpected};
    use RetryAfter::{Absent, DateAhead, Value};
    use TransportErrorKind::{BodyTooLarge, Connect, Other, TimedOut};
    let transport = Outcome::Transport;
    let conflict = || Outcome::Api(409, "conflict".to_owned());
    let date = DateAhead(Duration::from_secs(4));
    // The wait of an HTTP-date 4 s ahead, truncated to its second (3-4 s), read up to
    // 2 s later on a loaded machine: more than any back-off (0.5 s), at most 4 s.
    let date_wait = Wait::Between(1000, 4000);
    let half = Wait::Exactly(500);
    let both = [Wait::Exactly(500), Wait::Exactly(1500)];
    let one_second = Wait::Exactly(1000);

    vec![
        // --- No response: retried. ---
        row("connection refused (closed port)", Get, ROOMY, vec![],
            expect(transport(Connect), 1, &[]),
            expect(transport(Connect), 3, &both)),
        row("reset before the answer", Get, ROOMY, vec![Reset, Recorded],
            expect(transport(Other), 1, &[]),
            expect(Success, 2, &[half])),
        row("reset mid-body (Content-Length 1000, 100 sent)", Get, ROOMY,
            vec![WriteThenReset(cut_body()), Recorded],
            expect(transport(Other), 1, &[]),
            expect(Success, 2, &[half])),
        row("truncated chunked body (no 0-chunk)", Get, ROOMY,
            vec![WriteThenClose(truncated_chunked()), Recorded],
            expect(transport(Other), 1, &[]),
            expect(Success, 2, &[half])),
        row("headers slower than the timeout (always)", Get, SLOW, vec![Silent],
            expect(transport(TimedOut), 1, &[]),
            expect(transport(TimedOut), 3, &both)),
        row("body slower than the timeout", Get, SLOW, vec![trickle(), Recorded],
            expect(transport(TimedOut), 1, &[]),
            expect(Success, 2, &[half])),
        row("garbage status line `HTTP/1.1 abc`", Get, ROOMY,
            vec![WriteThenClose(b"HTTP/1.1 abc\r\n\r\n".to_vec()), Recorded],
            expect(transport(Other), 1, &[]),
            expect(Success, 2, &[half])),
        row("garbage status line `NOTHTTP`", Get, ROOMY,
            vec![WriteThenClose(b"NOTHTTP\r\n\r\n".to_vec()), Recorded],
            expect(transport(Other), 1, &[]),
            expect(Success, 2, &[half])),
        // --- A response, even a bad one: not retried. ---
        row("200 oversize, Content-Length (4 KiB > 1 KiB)", Get, ROOMY,
            vec![WriteThenClose(oversize(false)), Recorded],
            expect(transport(BodyTooLarge), 1, &[]),
            expect(transport(BodyTooLarge), 1, &[])),
        row("200 oversize, chunked (4 KiB > 1 KiB)", Get, ROOMY,
            vec![WriteThenClose(oversize(true)), Recorded],
            expect(transport(BodyTooLarge), 1, &[]),
            expect(transport(BodyTooLarge), 1, &[])),
        row("200 application/json `{\"user\":`", Get, ROOMY,
            vec![WriteThenClose(invalid_json()), Recorded],
            expect(Decode(200), 1, &[]),
            expect(Decode(200), 1, &[])),
        row("200 text/html page", Get, ROOMY, vec![WriteThenClose(html_200()), Recorded],
            expect(Unexpected(200), 1, &[]),
            expect(Unexpected(200), 1, &[])),
        // --- 409 and 5xx: retried, Retry-After honoured or stopping. ---
        row("409, no Retry-After (twice)", Get, ROOMY,
            vec![Status(409, Absent), Status(409, Absent), Recorded],
            expect(conflict(), 1, &[]),
            expect(Success, 3, &both)),
        row("409, Retry-After: 1", Get, ROOMY, vec![Status(409, Value("1")), Recorded],
            expect(conflict(), 1, &[]),
            expect(Success, 2, &[one_second])),
        row("409, Retry-After: HTTP-date +4 s", Get, ROOMY, vec![Status(409, date), Recorded],
            expect(conflict(), 1, &[]),
            expect(Success, 2, &[date_wait])),
        row("409, Retry-After: -1", Get, ROOMY, vec![Status(409, Value("-1")), Recorded],
            expect(conflict(), 1, &[]),
            expect(conflict(), 1, &[])),
        row("409, Retry-After: 99999", Get, ROOMY, vec![Status(409, Value("99999")), Recorded],
            expect(conflict(), 1, &[]),
            expect(conflict(), 1, &[])),
        row("502, no Retry-After (twice)", Get, ROOMY,
            vec![Status(502, Absent), Status(502, Absent), Recorded],
            expect(Unexpected(502), 1, &[]),
            expect(Success, 3, &both)),
        row("502, Retry-After: 1", Get, ROOMY, vec![Status(502, Value("1")), Recorded],
            expect(Unexpected(502), 1, &[]),
            expect(Success, 2, &[one_second])),
        row("502, Retry-After: HTTP-date +4 s", Get, ROOMY, vec![Status(502, date), Recorded],
            expect(Unexpected(502), 1, &[]),
            expect(Success, 2, &[date_wait])),
        row("502, Retry-After: -1", Get, ROOMY, vec![Status(502, Value("-1")), Recorded],
            expect(Unexpected(502), 1, &[]),
            expect(Unexpected(502), 1, &[])),
        row("502, Retry-After: 99999", Get, ROOMY, vec![Status(502, Value("99999")), Recorded],
            expect(Unexpected(502), 1, &[]),
            expect(Unexpected(502), 1, &[])),
        row("503, no Retry-After (twice)", Get, ROOMY,
            vec![Status(503, Absent), Status(503, Absent), Recorded],
            expect(Unexpected(503), 1, &[]),
            expect(Success, 3, &both)),
        row("503, Retry-After: 1", Get, ROOMY, vec![Status(503, Value("1")), Recorded],
            expect(Unexpected(503), 1, &[]),
            expect(Success, 2, &[one_second])),
        row("503, Retry-After: HTTP-date +4 s", Get, ROOMY, vec![Status(503, date), Recorded],
            expect(Unexpected(503), 1, &[]),
            expect(Success, 2, &[date_wait])),
        row("503, Retry-After: -1", Get, ROOMY, vec![Status(503, Value("-1")), Recorded],
            expect(Unexpected(503), 1, &[]),
            expect(Unexpected(503), 1, &[])),
        row("503, Retry-After: 99999", Get, ROOMY, vec![Status(503, Value("99999")), Recorded],
            expect(Unexpected(503), 1, &[]),
            expect(Unexpected(503), 1, &[])),
        row("504, no Retry-After (twice)", Get, ROOMY,
            vec![Status(504, Absent), Status(504, Absent), Recorded],
            expect(Unexpected(504), 1, &[]),
            expect(Success, 3, &both)),
        row("504, Retry-After: 1", Get, ROOMY, vec![Status(504, Value("1")), Recorded],
            expect(Unexpected(504), 1, &[]),
            expect(Success, 2, &[one_second])),
        row("504, Retry-After: HTTP-date +4 s", Get, ROOMY, vec![Status(504, date), Recorded],
            expect(Unexpected(504), 1, &[]),
            expect(Success, 2, &[date_wait])),
        row("504, Retry-After: -1", Get, ROOMY, vec![Status(504, Value("-1")), Recorded],
            expect(Unexpected(504), 1, &[]),
            expect(Unexpected(504), 1, &[])),
        row("504, Retry-After: 99999", Get, ROOMY, vec![Status(504, Value("99999")), Recorded],
            expect(Unexpected(504), 1, &[]),
            expect(Unexpected(504), 1, &[])),
        // --- A POST: one Idempotency-Key on every attempt. ---
        row("POST get_token: 503, then 200", Post, ROOMY, vec![Status(503, Absent), Recorded],
            expect(Unexpected(503), 1, &[]),
            expect(Success, 2, &[half])),
        row("POST get_token: reset before the answer (always)", Post, ROOMY, vec![Reset],
            expect(transport(Other), 1, &[]),
            expect(transport(Other), 3, &both)),
    ]
}

fn row(
    name: &'static str,
    call: Call,
    request_timeout: Duration,
    script: Vec<Act>,
    off: Expect,
    on: Expect,
) -> Row {
    Row {
        name,
        call,
        script,
        request_timeout,
        off,
        on,
    }
}

fn expect(outcome: Outcome, attempts: u32, waits: &[Wait]) -> Expect {
    Expect {
        outcome,
        attempts,
        waits: waits.to_vec(),
    }
}

// ---------------------------------------------------------------------------------
// The bytes the server sends.
// ---------------------------------------------------------------------------------

/// A whole HTTP/1.1 response with `Content-Length` and `Connection: close`.
fn message(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Whatever");
    let mut head = vec![format!("HTTP/1.1 {status} {reason}")];
    head.extend(
        headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}")),
    );
    head.push(format!("content-length: {}", body.len()));
    head.push("connection: close\r\n\r\n".to_owned());
    let mut bytes = head.join("\r\n").into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// The recorded answer of a real Medusa 1.20.11, reframed for `Connection: close`.
fn recorded(call: Call) -> Vec<u8> {
    let number = match call {
        Call::GetSession => 12,
        Call::GetToken => 15,
    };
    let response = medusa_auth_testdata::exchange(number).response();
    assert_eq!(response.status(), StatusCode::OK);
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| {
            !matches!(
                name.as_str(),
                "content-length" | "transfer-encoding" | "connection" | "keep-alive"
            )
        })
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().expect("ASCII").to_owned(),
            )
        })
        .collect();
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    message(200, &headers, response.body())
}

/// The answer of an [`Act::Status`], its `Retry-After` computed now.
fn status_answer(status: u16, retry_after: RetryAfter) -> Vec<u8> {
    let value = match retry_after {
        RetryAfter::Absent => None,
        RetryAfter::Value(value) => Some(value.to_owned()),
        RetryAfter::DateAhead(ahead) => Some(httpdate::fmt_http_date(SystemTime::now() + ahead)),
    };
    let (content_type, body) = if status == 409 {
        (
            "application/json; charset=utf-8",
            r#"{"code":"invalid_state_error","type":"conflict","message":"busy, try again"}"#
                .to_owned(),
        )
    } else {
        (
            "text/html",
            format!("<html><body><h1>{status} from the proxy</h1></body></html>"),
        )
    };
    let mut headers = vec![("content-type", content_type)];
    if let Some(value) = &value {
        headers.push(("retry-after", value.as_str()));
    }
    message(status, &headers, body.as_bytes())
}

/// Headers announcing 1000 bytes, and only 100 of them.
fn cut_body() -> Vec<u8> {
    let mut bytes =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n"
            .to_vec();
    let mut body = br#"{"user":{"id":"usr_01","email":""#.to_vec();
    body.resize(100, b'a');
    bytes.extend_from_slice(&body);
    bytes
}

/// A chunked body with one chunk and no terminating 0-chunk.
fn truncated_chunked() -> Vec<u8> {
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n8\r\n{\"user\":\r\n".to_vec()
}

/// A 200 whose body is 4 KiB, over the client's 1 KiB limit.
fn oversize(chunked: bool) -> Vec<u8> {
    let mut body = br#"{"user":{"id":"usr_01","email":""#.to_vec();
    body.resize(4096 - 3, b'a');
    body.extend_from_slice(br#""}}"#);
    if !chunked {
        return message(200, &[("content-type", "application/json")], &body);
    }
    let mut bytes = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_vec();
    for chunk in body.chunks(512) {
        bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        bytes.extend_from_slice(chunk);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    bytes
}

fn invalid_json() -> Vec<u8> {
    message(
        200,
        &[("content-type", "application/json; charset=utf-8")],
        br#"{"user":"#,
    )
}

fn html_200() -> Vec<u8> {
    message(
        200,
        &[("content-type", "text/html; charset=utf-8")],
        b"<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>Welcome to nginx!</h1></body></html>",
    )
}

/// Headers at once, then 64 body bytes at one per 100 ms (6.4 s in all, over three
/// times [`SLOW`]).
fn trickle() -> Act {
    let mut body = br#"{"user":{"id":"usr_01","email":""#.to_vec();
    body.resize(64 - 3, b'a');
    body.extend_from_slice(br#""}}"#);
    Act::Trickle {
        head: format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes(),
        body,
        every: Duration::from_millis(100),
    }
}

// ---------------------------------------------------------------------------------
// The misbehaving server.
// ---------------------------------------------------------------------------------

/// A raw TCP server on 127.0.0.1 that treats connection *i* as `script[i]` (the last
/// act repeated) and records the head of every request it read whole. With an
/// empty script nothing listens: its port was bound, then closed.
struct FaultServer {
    addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
    task: Option<JoinHandle<()>>,
}

impl FaultServer {
    async fn start(script: Vec<Act>, call: Call) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("a local address");
        let heads: Arc<Mutex<Vec<String>>> = Arc::default();
        if script.is_empty() {
            drop(listener);
            return FaultServer {
                addr,
                heads,
                task: None,
            };
        }
        let recorded = Arc::new(recorded(call));
        let task = tokio::spawn({
            let heads = heads.clone();
            async move {
                // Dropped (so every connection task is aborted) when the server is.
                let mut connections = JoinSet::new();
                for index in 0.. {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let act = script[index.min(script.len() - 1)].clone();
                    connections.spawn(serve(stream, act, recorded.clone(), heads.clone()));
                }
            }
        });
        FaultServer {
            addr,
            heads,
            task: Some(task),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().expect("not poisoned").clone()
    }

    /// The heads read, once there are `expected` of them (or [`SERVER_GRACE`] has
    /// passed): the client may be done before a late server task has read its last
    /// request.
    async fn heads_settled(&self, expected: usize) -> Vec<String> {
        let started = Instant::now();
        loop {
            let heads = self.heads();
            if heads.len() >= expected || started.elapsed() > SERVER_GRACE {
                return heads;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

async fn serve(
    mut stream: TcpStream,
    act: Act,
    recorded: Arc<Vec<u8>>,
    heads: Arc<Mutex<Vec<String>>>,
) {
    let Some(head) = read_request(&mut stream).await else {
        return;
    };
    heads.lock().expect("not poisoned").push(head);
    match act {
        Act::Recorded => write_then_close(stream, &recorded).await,
        Act::Status(status, retry_after) => {
            write_then_close(stream, &status_answer(status, retry_after)).await;
        }
        Act::WriteThenClose(bytes) => write_then_close(stream, &bytes).await,
        Act::Reset => reset(stream),
        Act::WriteThenReset(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            // Let the client read what was sent, so the reset comes mid-body.
            tokio::time::sleep(Duration::from_millis(50)).await;
            reset(stream);
        }
        Act::Silent => hold(stream).await,
        Act::Trickle { head, body, every } => {
            if stream.write_all(&head).await.is_err() {
                return;
            }
            for byte in body {
                tokio::time::sleep(every).await;
                if stream.write_all(&[byte]).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
            }
            let _ = stream.shutdown().await;
        }
    }
}

async fn write_then_close(mut stream: TcpStream, bytes: &[u8]) {
    let _ = stream.write_all(bytes).await;
    let _ = stream.flush().await;
    let _ = stream.shutdown().await;
}

/// `SO_LINGER` 0, then drop: the kernel sends a RST instead of a FIN.
fn reset(stream: TcpStream) {
    stream.set_zero_linger().expect("SO_LINGER 0");
    drop(stream);
}

/// Keeps a connection open, reading and discarding, until the client closes it (at
/// most 10 s).
async fn hold(mut stream: TcpStream) {
    let mut buffer = [0u8; 1024];
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(n) = stream.read(&mut buffer).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

/// Reads a request head and its `Content-Length` body; the head, if it came whole.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await {
            Ok(Ok(n)) if n > 0 && data.len() < 64 * 1024 => data.extend_from_slice(&buffer[..n]),
            _ => return None,
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length = header(&head, "content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    while data.len() < head_end + length {
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await {
            Ok(Ok(n)) if n > 0 => data.extend_from_slice(&buffer[..n]),
            _ => return None,
        }
    }
    Some(head)
}

/// The value of header `name` in a request head.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (n, value) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

fn is_uuid_v4(value: &str) -> bool {
    let bytes = value.as_bytes();
    value.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| bytes[i] == b'-')
        && bytes[14] == b'4'
        && matches!(bytes[19], b'8' | b'9' | b'a' | b'b')
        && value
            .chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

// ---------------------------------------------------------------------------------
// The client side.
// ---------------------------------------------------------------------------------

/// The `Sleep` of every client: records each wait the client asks for, then waits it
/// on tokio's timer. Attempts made = waits + 1.
#[derive(Clone, Default)]
struct RecordingSleep(Arc<Mutex<Vec<Duration>>>);

#[async_trait]
impl Sleep for RecordingSleep {
    async fn sleep(&self, duration: Duration) {
        self.0.lock().expect("not poisoned").push(duration);
        tokio::time::sleep(duration).await;
    }
}

impl RecordingSleep {
    fn waits(&self) -> Vec<Duration> {
        self.0.lock().expect("not poisoned").clone()
    }
}

fn client(url: &str, row: &Row, retries: bool, sleep: RecordingSleep) -> Client {
    let max_retries = if retries { MAX_RETRIES } else { 0 };
    Client::builder()
        .base_url(url)
        .retry_policy(RetryPolicy::new(max_retries).with_jitter(0.0))
        .connect_timeout(CONNECT_TIMEOUT)
        .request_timeout(row.request_timeout)
        .max_response_bytes(MAX_RESPONSE_BYTES)
        .sleep(sleep)
        .build()
        .expect("a valid configuration")
}

/// What the error says beyond its variant, for the printed matrix: the innermost
/// cause of a transport error (what hyper or the OS said), the field of a decode
/// error, the content type and excerpt of an unexpected response.
fn cause(error: &Error) -> String {
    let text = match error {
        Error::Decode(decode) => format!("at `{}`: {}", decode.path, decode.detail),
        Error::UnexpectedResponse {
            content_type,
            excerpt,
            ..
        } => format!(
            "{}: {excerpt}",
            content_type.as_deref().unwrap_or("no type")
        ),
        Error::Api(api) => api.message.clone(),
        _ => String::new(),
    };
    let Error::Transport(transport) = error else {
        return text.chars().take(60).collect();
    };
    let mut innermost = transport.to_string();
    let mut next = std::error::Error::source(transport);
    while let Some(current) = next {
        innermost = current.to_string();
        next = current.source();
    }
    innermost.chars().take(60).collect()
}

fn classify(result: Result<(), Error>) -> Outcome {
    match result {
        Ok(()) => Outcome::Success,
        Err(Error::Transport(transport)) => Outcome::Transport(transport.kind()),
        Err(Error::Api(api)) => Outcome::Api(api.status.as_u16(), api.kind.as_str().to_owned()),
        Err(Error::UnexpectedResponse { status, .. }) => Outcome::Unexpected(status.as_u16()),
        Err(Error::Decode(decode)) => Outcome::Decode(decode.status.as_u16()),
        Err(other) => Outcome::Other(format!("{other:?}")),
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Success => f.write_str("ok 200"),
            Outcome::Transport(kind) => write!(f, "Transport({kind:?})"),
            Outcome::Api(status, kind) => write!(f, "Api {status} {kind}"),
            Outcome::Unexpected(status) => write!(f, "UnexpectedResponse {status}"),
            Outcome::Decode(status) => write!(f, "Decode {status}"),
            Outcome::Other(text) => write!(f, "other: {text}"),
            Outcome::Hang => f.write_str("HANG"),
        }
    }
}

/// What one run produced, and what was wrong with it.
struct Report {
    name: &'static str,
    retries: bool,
    outcome: Outcome,
    client_attempts: usize,
    server_attempts: usize,
    waits: Vec<Duration>,
    elapsed: Duration,
    idempotency: String,
    cause: String,
    failures: Vec<String>,
}

async fn run(row: Arc<Row>, retries: bool) -> Report {
    let expect = if retries { &row.on } else { &row.off };
    let server = FaultServer::start(row.script.clone(), row.call).await;
    let sleep = RecordingSleep::default();
    let session = client(&server.url(), &row, retries, sleep.clone()).session();

    let started = Instant::now();
    let call = async {
        match row.call {
            Call::GetSession => session.admin().get_session().await.map(drop),
            Call::GetToken => session
                .admin()
                .get_token("admin@example.com", "supersecret")
                .await
                .map(drop),
        }
    };
    let (outcome, cause) = match tokio::time::timeout(ROW_LIMIT, call).await {
        Ok(result) => {
            let cause = result.as_ref().err().map(cause).unwrap_or_default();
            (classify(result), cause)
        }
        Err(_) => (Outcome::Hang, String::new()),
    };
    let elapsed = started.elapsed();

    let waits = sleep.waits();
    let expected_seen = if row.script.is_empty() {
        0
    } else {
        expect.attempts as usize
    };
    let heads = server.heads_settled(expected_seen).await;
    let client_attempts = waits.len() + 1;
    let mut failures = Vec::new();
    let mut fail = |what: String| failures.push(what);

    if outcome != expect.outcome {
        fail(format!("outcome {outcome}, expected {}", expect.outcome));
    }
    if client_attempts != expect.attempts as usize {
        fail(format!(
            "{client_attempts} attempts, expected {}",
            expect.attempts
        ));
    }
    if heads.len() != expected_seen {
        fail(format!(
            "the server saw {} requests, expected {expected_seen}",
            heads.len()
        ));
    }
    let waits_ok = waits.len() == expect.waits.len()
        && waits.iter().zip(&expect.waits).all(|(got, want)| {
            let ms = u64::try_from(got.as_millis()).unwrap_or(u64::MAX);
            match *want {
                Wait::Exactly(want) => ms == want,
                Wait::Between(low, high) => (low..=high).contains(&ms),
            }
        });
    if !waits_ok {
        fail(format!("waits {waits:?}, expected {:?}", expect.waits));
    }
    // The waits were really waited, and timeouts were not cut short: a lower bound
    // only, which a loaded machine cannot break. (A hang is the guard's business.)
    let mut floor: Duration = waits.iter().sum();
    if expect.outcome == Outcome::Transport(TransportErrorKind::TimedOut) {
        floor += row.request_timeout * expect.attempts;
    }
    if elapsed < floor {
        fail(format!("took {elapsed:?}, less than {floor:?}"));
    }

    let keys: Vec<Option<&str>> = heads.iter().map(|h| header(h, "idempotency-key")).collect();
    let idempotency = match row.call {
        Call::GetSession => {
            if keys.iter().any(Option::is_some) {
                fail(format!("a GET carried an Idempotency-Key: {keys:?}"));
            }
            "-".to_owned()
        }
        Call::GetToken => {
            let first = keys.first().copied().flatten();
            let same = keys.iter().all(|k| *k == first);
            let text = match (first, same) {
                (_, _) if keys.is_empty() => "-".to_owned(),
                (None, true) => "none".to_owned(),
                (Some(_), true) => format!("same on {}", keys.len()),
                (_, false) => "DIFFERENT".to_owned(),
            };
            if retries {
                // One key, the same on every attempt of the call.
                if !same || !first.is_some_and(is_uuid_v4) {
                    fail(format!("Idempotency-Keys {keys:?}: not one UUID v4"));
                }
            }
            text
        }
    };

    Report {
        name: row.name,
        retries,
        outcome,
        client_attempts,
        server_attempts: heads.len(),
        waits,
        elapsed,
        idempotency,
        cause,
        failures,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_fault_matrix() {
    let started = Instant::now();
    let rows: Vec<Arc<Row>> = matrix().into_iter().map(Arc::new).collect();
    let mut runs = Vec::new();
    for row in &rows {
        for retries in [false, true] {
            runs.push(tokio::spawn(run(row.clone(), retries)));
        }
    }
    let mut reports = Vec::new();
    for run in runs {
        reports.push(run.await.expect("a run does not panic"));
    }
    let total = started.elapsed();

    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    println!();
    println!(
        "{:<width$}  {:<7}  {:<24}  {:>8}  {:<10}  {:>7}  {:<10}  {:<7}  cause",
        "row", "retries", "outcome", "attempts", "waits ms", "ms", "idem-key", "verdict"
    );
    let mut failed = Vec::new();
    for report in &reports {
        let waits = if report.waits.is_empty() {
            "-".to_owned()
        } else {
            report
                .waits
                .iter()
                .map(|w| w.as_millis().to_string())
                .collect::<Vec<_>>()
                .join("+")
        };
        let retries = if report.retries { "on (2)" } else { "off" };
        println!(
            "{:<width$}  {:<7}  {:<24}  {:>8}  {:<10}  {:>7}  {:<10}  {:<7}  {}",
            report.name,
            retries,
            report.outcome.to_string(),
            format!("{}/{}", report.client_attempts, report.server_attempts),
            waits,
            report.elapsed.as_millis(),
            report.idempotency,
            if report.failures.is_empty() {
                "ok"
            } else {
                "FAILED"
            },
            report.cause,
        );
        for failure in &report.failures {
            failed.push(format!("{} (retries {retries}): {failure}", report.name));
        }
    }
    println!("(attempts: made by the client / seen by the server)");
    println!("{} rows x 2 runs in {} ms", rows.len(), total.as_millis());
    assert!(
        failed.is_empty(),
        "the fault matrix failed:\n{}",
        failed.join("\n")
    );
}
