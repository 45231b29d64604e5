//! Medusa v2's `authenticate(actorType, authTypes, options)` middleware: a secret
//! API key first (Basic, admin routes only), then the session, then the Bearer JWT;
//! the actor type must be the route's; an actor-less identity passes only where
//! `allowUnregistered` says so.

use std::sync::Arc;

use base64::Engine as _;
use http::header::{self, HeaderMap};
use medusa_auth_core::ExposeSecret;
use medusa_auth_core::internal::constant_time_eq;

use super::State;
use super::answer::{Answer, SECRET_KEY_AS_BEARER, UNAUTHORIZED};
use super::handler::{Cx, SessionCtx, latin1};
use super::json::Js;
use super::records::KeyKind;

/// Which actor types a route accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Actors {
    /// `"*"`.
    Any,
    /// One actor type (`"user"`, `"customer"`).
    Only(&'static str),
}

impl Actors {
    /// `isActorTypePermitted`.
    fn permit(self, actor_type: Option<&Js>) -> bool {
        match self {
            Actors::Any => true,
            Actors::Only(only) => actor_type.and_then(Js::as_str) == Some(only),
        }
    }
}

/// The credentials a route reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kinds {
    pub(crate) bearer: bool,
    pub(crate) session: bool,
    pub(crate) api_key: bool,
}

/// `bearer` only.
pub(crate) const BEARER: Kinds = Kinds {
    bearer: true,
    session: false,
    api_key: false,
};
/// `session` only.
pub(crate) const SESSION: Kinds = Kinds {
    bearer: false,
    session: true,
    api_key: false,
};
/// `session` and `bearer`.
pub(crate) const SESSION_BEARER: Kinds = Kinds {
    bearer: true,
    session: true,
    api_key: false,
};
/// The admin routes': `bearer`, `session`, `api-key`.
pub(crate) const ADMIN: Kinds = Kinds {
    bearer: true,
    session: true,
    api_key: true,
};

/// `authenticate`'s options.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    pub(crate) allow_unregistered: bool,
    pub(crate) allow_unauthenticated: bool,
    /// `requireMfa` (default: `!allowUnauthenticated`).
    pub(crate) require_mfa: Option<bool>,
}

/// What `req.auth_context` is after the middleware: `Some` when authenticated,
/// `None` when an unauthenticated request may go on; otherwise the 401.
pub(crate) fn authenticate(
    cx: &Cx<'_>,
    state: &State,
    session: &SessionCtx,
    actors: Actors,
    kinds: Kinds,
    options: Options,
) -> Result<Option<Arc<Js>>, Answer> {
    let exclusively_user = matches!(actors, Actors::Only("user"));
    if kinds.api_key && exclusively_user {
        if let Some(context) = api_key_context(cx, state) {
            return Ok(Some(Arc::new(context)));
        }
    }
    let mut context = None;
    if kinds.session {
        context = session
            .auth_context
            .clone()
            .filter(|c| actors.permit(c.get("actor_type")));
    }
    if context.is_none() && kinds.bearer {
        context = bearer_context(cx, actors);
    }
    let require_mfa = options
        .require_mfa
        .unwrap_or(!options.allow_unauthenticated);
    if let Some(context) = &context {
        let mfa_enabled = context.get("mfa_enabled").is_some_and(Js::truthy);
        let completed = context
            .get("mfa_challenge_completed_at")
            .is_some_and(Js::truthy);
        if require_mfa && mfa_enabled && !completed {
            return Err(Answer::refused(
                "MFA verification is required to complete this request",
            ));
        }
        if context.get("actor_id").is_some_and(Js::truthy) {
            return Ok(Some(context.clone()));
        }
        if context.get("auth_identity_id").is_some_and(Js::truthy)
            && options.allow_unregistered
            && actors.permit(context.get("actor_type"))
        {
            return Ok(Some(context.clone()));
        }
    }
    if options.allow_unauthenticated {
        return Ok(None);
    }
    if kinds.api_key && exclusively_user && bearer_secret_key(cx.headers) {
        return Err(Answer::refused(SECRET_KEY_AS_BEARER));
    }
    Err(Answer::refused(UNAUTHORIZED))
}

/// The `Authorization` header as Node reads it (repeats are dropped).
fn authorization(headers: &HeaderMap) -> Option<String> {
    headers.get(header::AUTHORIZATION).map(latin1)
}

/// `getAuthContextFromJwtToken`: `/(\S+)\s+(\S+)/` on `Authorization`, a `bearer`
/// scheme (any case), a token `jsonwebtoken.verify` accepts, of a permitted actor.
pub(crate) fn bearer_context(cx: &Cx<'_>, actors: Actors) -> Option<Arc<Js>> {
    let token = bearer_token(cx.headers)?;
    let payload = cx.config.jwt.verify(&token, cx.now_secs())?;
    actors.permit(payload.get("actor_type")).then_some(payload)
}

/// The token of `Authorization: Bearer <token>` (the first two words of the header).
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = authorization(headers)?;
    let mut words = value.split(is_js_space).filter(|w| !w.is_empty());
    let (scheme, token) = (words.next()?, words.next()?);
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.to_owned())
}

/// JavaScript's `\s`.
fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// `isBearerSecretApiKey`: `Bearer sk_…` (split on single spaces).
fn bearer_secret_key(headers: &HeaderMap) -> bool {
    let Some(value) = authorization(headers) else {
        return false;
    };
    let mut parts = value.split(' ');
    let scheme = parts.next().unwrap_or_default();
    scheme.eq_ignore_ascii_case("bearer") && parts.next().is_some_and(|t| t.starts_with("sk_"))
}

/// `getApiKeyInfo`: `Authorization: Basic <token>` (split on single spaces), the
/// token base64-decoded unless it starts with `sk_`, one trailing `:` cut, a live
/// secret key's token.
fn api_key_context(cx: &Cx<'_>, state: &State) -> Option<Js> {
    let value = authorization(cx.headers)?;
    let mut parts = value.split(' ');
    let (scheme, token) = (parts.next()?, parts.next()?);
    if !scheme.eq_ignore_ascii_case("basic") || token.is_empty() {
        return None;
    }
    let mut normalized = if token.starts_with("sk_") {
        token.to_owned()
    } else {
        String::from_utf8_lossy(&node_base64(token)).into_owned()
    };
    if normalized.ends_with(':') {
        normalized.pop();
    }
    if !normalized.starts_with("sk_") {
        return None;
    }
    let now = cx.timestamp();
    let key = state.api_keys.iter().find(|k| {
        k.kind == KeyKind::Secret
            && k.is_live(now)
            && constant_time_eq(k.token.expose_secret(), &normalized)
    })?;
    Some(Js::object([
        ("actor_id", key.id.as_str().into()),
        ("actor_type", "api-key".into()),
        ("auth_identity_id", "".into()),
        ("app_metadata", Js::empty_object()),
        ("user_metadata", Js::empty_object()),
    ]))
}

/// `Buffer.from(text, "base64")`: both alphabets, other characters skipped, stops at
/// `=`, a dangling character ignored.
fn node_base64(text: &str) -> Vec<u8> {
    let mut cleaned: String = text
        .chars()
        .take_while(|&c| c != '=')
        .filter_map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '+' | '/' => Some(c),
            '-' => Some('+'),
            '_' => Some('/'),
            _ => None,
        })
        .collect();
    if cleaned.len() % 4 == 1 {
        cleaned.pop();
    }
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
    );
    engine.decode(cleaned).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn reads_authorization_as_medusa_does() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("  bearer  abc def"),
        );
        assert_eq!(bearer_token(&headers).as_deref(), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer"));
        assert_eq!(bearer_token(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer sk_1"),
        );
        assert!(bearer_secret_key(&headers));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer  sk_1"),
        );
        assert!(!bearer_secret_key(&headers));
        // Exchange 112's and 114's Basic values.
        assert_eq!(
            node_base64(
                "c2tfMjA5ZjBjMmY2NzhlYmFmMzYxMjZiZjdhMGI2YjcwZDgyNjE3MGMzM2NjMjVlNDNlMTJhZjc3YWEwNjkyMjcyMTo="
            ),
            b"sk_209f0c2f678ebaf36126bf7a0b6b70d826170c33cc25e43e12af77aa06922721:"
        );
        assert_eq!(
            node_base64(
                "c2tfMjA5ZjBjMmY2NzhlYmFmMzYxMjZiZjdhMGI2YjcwZDgyNjE3MGMzM2NjMjVlNDNlMTJhZjc3YWEwNjkyMjcyMQ=="
            ),
            b"sk_209f0c2f678ebaf36126bf7a0b6b70d826170c33cc25e43e12af77aa06922721"
        );
        assert_eq!(node_base64("!!!"), b"");
    }
}
