//! The client's trace logs of a whole walk hold no secret. Alone in its test binary:
//! it makes its subscriber the process-wide default, which no other test thread can
//! switch off (a thread without a subscriber can disable a callsite for the whole
//! process: tokio-rs/tracing#3611).

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use support::Scripted;
use support::secrets::{assert_clean, walk};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn trace_logs_of_a_whole_walk_hold_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let transport = Scripted::new();
    let (builder, _) = support::builder(&transport);
    let client = builder.api_key("client-api-key-value").build().unwrap();
    let session = client.session();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    walk(&session, &transport);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The walk was logged: one span per call with its name, method, path and status.
    assert!(logs.contains("call=\"admin.create_session\""), "{logs}");
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("attempts=1"), "{logs}");
    assert!(logs.contains("path=/store/auth/token"), "{logs}");
    assert!(logs.contains("call=\"request\""), "{logs}");
    assert_clean("logs", &logs);
}
