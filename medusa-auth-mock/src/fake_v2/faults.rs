//! Fault rules and counters for the v2 fake, with the v1 fake's [`Fault`]: the
//! next N requests to a route get a status, a delay or a dropped connection.
//!
//! A fault is carried out by a one-request v1 fake holding just that rule (v1's
//! fault kinds are private to the v1 fake, which stays as it is): a status comes
//! back from it as v1 makes it, a drop as its [`ConnectionDropped`], and a delay as
//! its wait followed by an answer of its own (it then holds a session, which a
//! status answer never makes), which is discarded for the v2 answer.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Response};
use medusa_auth_core::{Clock, Sleep};

use crate::fake::{ConnectionDropped, FakeMedusa, Fault, Route};

#[derive(Debug, Clone)]
struct Rule {
    route: Route,
    remaining: usize,
    fault: Fault,
}

/// The rules and counters.
#[derive(Debug, Default, Clone)]
pub(crate) struct Faults {
    rules: VecDeque<Rule>,
    received: HashMap<Route, usize>,
    total: usize,
}

/// At most this many distinct routes are counted (then the counts start over).
const MAX_ROUTES: usize = 10_000;

impl Faults {
    pub(crate) fn add(&mut self, route: Route, times: usize, fault: Fault) {
        if times > 0 {
            self.rules.push_back(Rule {
                route,
                remaining: times,
                fault,
            });
        }
    }

    pub(crate) fn clear_rules(&mut self) {
        self.rules.clear();
    }

    /// Counts a request and takes the fault it gets, if any.
    pub(crate) fn admit(&mut self, route: Route) -> Option<Fault> {
        self.total += 1;
        let index = self.rules.iter().position(|rule| rule.route == route);
        if !self.received.contains_key(&route) && self.received.len() >= MAX_ROUTES {
            self.received.clear();
        }
        *self.received.entry(route).or_insert(0) += 1;
        let index = index?;
        let rule = &mut self.rules[index];
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        if rule.remaining == 0 {
            self.rules.remove(index);
        }
        Some(fault)
    }

    pub(crate) fn received(&self, route: &Route) -> usize {
        self.received.get(route).copied().unwrap_or(0)
    }

    pub(crate) fn total(&self) -> usize {
        self.total
    }

    pub(crate) fn pending(&self) -> usize {
        self.rules.iter().map(|rule| rule.remaining).sum()
    }

    pub(crate) fn reset_counters(&mut self) {
        self.received.clear();
        self.total = 0;
    }
}

/// What a fault does to a request.
pub(crate) enum Outcome {
    /// Answer with this (a status fault).
    Answer(Response<Bytes>),
    /// Answer normally (a delay fault, already waited).
    Proceed,
}

/// Carries out `fault` for a request to `route`, on the fake's clock.
pub(crate) async fn apply(
    fault: Fault,
    route: &Route,
    clock: Arc<dyn Clock>,
    sleep: &dyn Sleep,
) -> Result<Outcome, ConnectionDropped> {
    let v1 = FakeMedusa::builder().clock(clock).build();
    v1.fail_next(route.method.clone(), &route.path, 1, fault);
    let probe = Request::builder()
        .method(route.method.clone())
        .uri(route.path.as_str())
        .body(Bytes::new())
        .unwrap_or_default();
    let answer = v1.serve(probe, sleep).await?;
    if v1.session_count() == 0 {
        Ok(Outcome::Answer(answer))
    } else {
        Ok(Outcome::Proceed)
    }
}
