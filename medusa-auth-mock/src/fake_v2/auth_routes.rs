//! The `/auth` routes: log in, register, the OAuth callback, reset and update a
//! password, list the providers, open and close a cookie session, refresh a token.
//! The only provider is `emailpass` (as on the recorded server); the `user` actor
//! may use nothing else (`authMethodsPerActor`'s default).

use std::sync::Arc;

use http::StatusCode;
use http::header::HeaderValue;
use medusa_auth_core::Timestamp;

use super::State;
use super::answer::Answer;
use super::auth::{self, Actors, BEARER, Options, SESSION, SESSION_BEARER, bearer_token};
use super::handler::{Cx, SessionCtx};
use super::json::Js;
use super::jwt::{AuthClaims, RESET_LIFETIME_SECS};
use super::records::{AuthIdentity, UserRecord};
use super::reset::ResetEvent;
use super::routes::RouteId;
use super::sessions::CLEAR_COOKIE;
use super::shared::ids::{iso, new_id, timestamp};
use super::shared::password::PasswordHash;
use super::validate;

/// The one auth provider the fake has.
pub(crate) const EMAILPASS: &str = "emailpass";

fn unable_to_retrieve(provider: &str) -> Answer {
    Answer::unauthorized(&format!(
        "\nUnable to retrieve the auth provider with id: {provider}\nPlease make sure that the provider is registered in the container and it is configured correctly in your project configuration file."
    ))
}

/// `validateScopeProviderAssociation`.
fn scope(actor_type: &str, provider: &str) -> Result<(), Answer> {
    if actor_type == "user" && provider != EMAILPASS {
        return Err(Answer::not_allowed(&format!(
            "The actor type {actor_type} is not allowed to use the auth provider {provider}"
        )));
    }
    Ok(())
}

fn token_answer(token: String) -> Answer {
    Answer::json(StatusCode::OK, &Js::object([("token", token.into())]))
}

pub(crate) fn route(
    cx: &Cx<'_>,
    state: &mut State,
    session: &mut SessionCtx,
    id: RouteId,
    first: &str,
    second: &str,
) -> Answer {
    let result = match id {
        RouteId::AuthSession if cx.method == http::Method::POST => {
            create_session(cx, state, session)
        }
        RouteId::AuthSession => destroy_session(cx, state, session),
        RouteId::AuthTokenRefresh => refresh(cx, state, session),
        RouteId::AuthProviders => Ok(providers()),
        RouteId::AuthProviderUser => create_user(cx, state, session, first),
        RouteId::AuthCallback => scope(first, second).and_then(|()| callback(second)),
        RouteId::AuthRegister => {
            scope(first, second).and_then(|()| register(cx, state, first, second))
        }
        RouteId::AuthResetPassword => {
            scope(first, second).and_then(|()| reset_password(cx, state, first, second))
        }
        RouteId::AuthUpdate => scope(first, second).and_then(|()| update(cx, state, first, second)),
        _ => scope(first, second).and_then(|()| login(cx, state, first, second)),
    };
    result.unwrap_or_else(|answer| answer)
}

/// The e-mail and password of an `emailpass` body (password checked first).
fn credentials(body: &Js) -> Result<(&str, &str), Answer> {
    let Some(password) = body.get("password").and_then(Js::non_empty_str) else {
        return Err(Answer::unauthorized("Password should be a string"));
    };
    let Some(email) = body.get("email").and_then(Js::non_empty_str) else {
        return Err(Answer::unauthorized("Email should be a string"));
    };
    Ok((email, password))
}

/// `generateJwtTokenForAuthIdentity`: the actor of `actor_type` when the identity
/// has one (else `""`), all its links in `app_metadata`.
fn issue(
    cx: &Cx<'_>,
    identity: &AuthIdentity,
    actor_type: &str,
    provider: &str,
    mfa_enabled: bool,
    completed_at: Js,
) -> String {
    let actor_id = match identity.actor(actor_type) {
        None | Some(Js::Null) => Js::from(""),
        Some(id) => id.clone(),
    };
    cx.config.jwt.auth_token(
        AuthClaims {
            actor_id,
            actor_type,
            auth_identity_id: &identity.id,
            auth_provider: Some(provider),
            mfa_enabled,
            mfa_challenge_completed_at: completed_at,
            app_metadata: identity.app_metadata.clone(),
            user_metadata: Js::empty_object(),
        },
        cx.now_secs(),
    )
}

/// `GET|POST /auth/:actor_type/:auth_provider`: `emailpass` reads the body only.
fn login(cx: &Cx<'_>, state: &State, actor_type: &str, provider: &str) -> Result<Answer, Answer> {
    if provider != EMAILPASS {
        return Err(unable_to_retrieve(provider));
    }
    let (email, password) = credentials(&cx.body)?;
    let identity = state
        .identities
        .iter()
        .find(|i| i.email == email)
        .filter(|i| i.password.verify(password))
        .ok_or_else(|| Answer::unauthorized("Invalid email or password"))?;
    Ok(token_answer(issue(
        cx,
        identity,
        actor_type,
        provider,
        false,
        Js::Null,
    )))
}

/// `POST /auth/:actor_type/:auth_provider/register`: a new identity (or an
/// actor-less one again, with its password), and its actor-less token.
fn register(
    cx: &Cx<'_>,
    state: &mut State,
    actor_type: &str,
    provider: &str,
) -> Result<Answer, Answer> {
    if provider != EMAILPASS {
        return Err(unable_to_retrieve(provider));
    }
    let (email, password) = credentials(&cx.body)?;
    if let Some(identity) = state.identities.iter().find(|i| i.email == email) {
        if !identity.has_actors() && identity.password.verify(password) {
            return Ok(token_answer(issue(
                cx,
                identity,
                actor_type,
                provider,
                false,
                Js::Null,
            )));
        }
        return Err(Answer::unauthorized("Identity with email already exists"));
    }
    if state.is_full() {
        return Err(Answer::unknown_error());
    }
    let identity = AuthIdentity {
        id: new_id("authid", cx.now),
        email: email.to_owned(),
        password: PasswordHash::new(password),
        app_metadata: Js::empty_object(),
    };
    let token = issue(cx, &identity, actor_type, provider, false, Js::Null);
    state.identities.push(identity);
    Ok(token_answer(token))
}

/// `GET|POST /auth/:actor_type/:auth_provider/callback`: no provider of the fake has
/// a redirect flow.
fn callback(provider: &str) -> Result<Answer, Answer> {
    if provider != EMAILPASS {
        return Err(unable_to_retrieve(provider));
    }
    Err(Answer::unauthorized(&format!(
        "Callback authentication not implemented for provider {provider}"
    )))
}

/// `GET /auth/:actor_type/providers`.
fn providers() -> Answer {
    let provider = Js::object([
        ("id", EMAILPASS.into()),
        ("identifier", EMAILPASS.into()),
        ("display_name", "Email/Password Authentication".into()),
        ("flow", "credentials".into()),
    ]);
    Answer::json(
        StatusCode::OK,
        &Js::object([("providers", Js::Array(vec![provider]))]),
    )
}

/// A v4 UUID (`crypto.randomUUID()`), the `jti` of a reset token.
fn uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0F) | 0x40;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// `POST /auth/:actor_type/:auth_provider/reset-password`: always `201 Created`; a
/// token only for an identity of that provider (the older ones of the identity are
/// void from then on), carried by the `auth.password_reset` event.
fn reset_password(
    cx: &Cx<'_>,
    state: &mut State,
    actor_type: &str,
    provider: &str,
) -> Result<Answer, Answer> {
    let valid = validate::validate(validate::RESET_PASSWORD, &cx.body)
        .map_err(|m| Answer::invalid_data(&m))?;
    let identifier = valid.str("identifier").unwrap_or_default().to_owned();
    let metadata = valid
        .get("metadata")
        .cloned()
        .unwrap_or_else(Js::empty_object);
    let known = provider == EMAILPASS && state.identities.iter().any(|i| i.email == identifier);
    if known {
        let jti = uuid_v4();
        let token =
            cx.config
                .jwt
                .reset_token(&identifier, provider, actor_type, cx.now_secs(), &jti);
        let expires = cx.now + std::time::Duration::from_secs(RESET_LIFETIME_SECS);
        state.resets.issue(&identifier, &jti, expires);
        state.resets.emit(ResetEvent {
            entity_id: identifier,
            actor_type: actor_type.to_owned(),
            token: token.into(),
            metadata,
        });
    }
    Ok(Answer::send_status(StatusCode::CREATED))
}

/// `POST /auth/:actor_type/:auth_provider/update`: `validateToken` (a reset token of
/// this actor type as Bearer, used up here), then the provider's update.
fn update(
    cx: &Cx<'_>,
    state: &mut State,
    actor_type: &str,
    provider: &str,
) -> Result<Answer, Answer> {
    let invalid = || Answer::unauthorized("Invalid token");
    let payload = bearer_token(cx.headers)
        .and_then(|token| cx.config.jwt.verify(&token, cx.now_secs()))
        .filter(|p| p.get("actor_type").and_then(Js::as_str) == Some(actor_type))
        .ok_or_else(invalid)?;
    let entity_id = payload
        .get("entity_id")
        .filter(|e| e.truthy())
        .ok_or_else(invalid)?;
    let jti = payload
        .get("jti")
        .filter(|j| j.truthy())
        .ok_or_else(invalid)?;
    if payload.get("purpose").and_then(Js::as_str) != Some("reset") {
        return Err(invalid());
    }
    let (Some(entity_id), Some(jti)) = (entity_id.as_str(), jti.as_str()) else {
        return Err(invalid());
    };
    if !state.resets.consume(jti, provider, entity_id, cx.now) {
        return Err(invalid());
    }
    let identity = state
        .identities
        .iter_mut()
        .find(|i| i.email == entity_id)
        .filter(|_| provider == EMAILPASS)
        .ok_or_else(invalid)?;
    let Some(password) = cx.body.get("password").and_then(Js::non_empty_str) else {
        return Err(Answer::unauthorized("Unauthorized"));
    };
    identity.password = PasswordHash::new(password);
    Ok(Answer::json(
        StatusCode::OK,
        &Js::object([("success", true.into())]),
    ))
}

/// `POST /auth/session`: the Bearer's claims become the session's auth context.
fn create_session(cx: &Cx<'_>, state: &State, session: &mut SessionCtx) -> Result<Answer, Answer> {
    let options = Options {
        allow_unregistered: true,
        require_mfa: Some(false),
        ..Options::default()
    };
    let context = auth::authenticate(cx, state, session, Actors::Any, BEARER, options)?
        .ok_or_else(|| Answer::refused(super::answer::UNAUTHORIZED))?;
    session.auth_context = Some(context.clone());
    Ok(Answer::json(
        StatusCode::OK,
        &Js::object([("user", (*context).clone())]),
    ))
}

/// `DELETE /auth/session`: the session (cookie only) is destroyed and its cookie
/// cleared.
fn destroy_session(cx: &Cx<'_>, state: &State, session: &mut SessionCtx) -> Result<Answer, Answer> {
    let options = Options {
        allow_unregistered: true,
        require_mfa: Some(false),
        ..Options::default()
    };
    auth::authenticate(cx, state, session, Actors::Any, SESSION, options)?;
    session.destroyed = true;
    Ok(
        Answer::json(StatusCode::OK, &Js::object([("success", true.into())]))
            .with_cookie(HeaderValue::from_static(CLEAR_COOKIE)),
    )
}

/// `new Date(value).toISOString()`, or `None` where it throws.
fn iso_date(value: &Js) -> Option<String> {
    let at = match value {
        Js::String(text) => text.parse::<Timestamp>().ok()?,
        Js::Number(ms) => Timestamp::from_millisecond(*ms as i64).ok()?,
        _ => return None,
    };
    Some(iso(timestamp(std::time::SystemTime::try_from(at).ok()?)))
}

/// `POST /auth/token/refresh` (session or Bearer, actor-less allowed): a new token
/// for the identity, carrying the actor it has now.
fn refresh(cx: &Cx<'_>, state: &State, session: &SessionCtx) -> Result<Answer, Answer> {
    let options = Options {
        allow_unregistered: true,
        require_mfa: Some(false),
        ..Options::default()
    };
    let context: Arc<Js> =
        auth::authenticate(cx, state, session, Actors::Any, SESSION_BEARER, options)?
            .ok_or_else(|| Answer::refused(super::answer::UNAUTHORIZED))?;
    let Some(provider) = context.get("auth_provider").filter(|p| p.truthy()) else {
        return Err(Answer::unauthorized(
            "The auth provider is not set while refreshing token",
        ));
    };
    let provider = provider.js_string();
    let actor_type = context
        .get("actor_type")
        .map_or_else(|| "undefined".to_owned(), Js::js_string);
    let identity_id = context
        .get("auth_identity_id")
        .map(Js::js_string)
        .unwrap_or_default();
    let identity = state.identities.iter().find(|i| i.id == identity_id);
    if context.get("actor_id").is_some_and(Js::truthy) {
        let Some(identity) = identity else {
            return Err(Answer::not_found(&format!(
                "AuthIdentity with id: {identity_id} was not found"
            )));
        };
        let mfa_enabled = context.get("mfa_enabled").is_some_and(Js::truthy);
        let completed = match context.get("mfa_challenge_completed_at") {
            Some(value) if value.truthy() => match iso_date(value) {
                Some(date) => Js::String(date),
                None => return Err(Answer::unknown_error()),
            },
            _ => Js::Null,
        };
        return Ok(token_answer(issue(
            cx,
            identity,
            &actor_type,
            &provider,
            mfa_enabled,
            completed,
        )));
    }
    let Some(identity) = identity else {
        return Err(Answer::unauthorized(
            "Invalid auth identity while refreshing token",
        ));
    };
    Ok(token_answer(issue(
        cx,
        identity,
        &actor_type,
        &provider,
        false,
        Js::Null,
    )))
}

/// `POST /auth/:auth_provider/user`: a `user` for an actor-less identity whose
/// provider gave an e-mail (`user_metadata.email`; `emailpass` gives none).
fn create_user(
    cx: &Cx<'_>,
    state: &mut State,
    session: &SessionCtx,
    provider: &str,
) -> Result<Answer, Answer> {
    scope("user", provider)?;
    let options = Options {
        allow_unregistered: true,
        ..Options::default()
    };
    let context = auth::authenticate(cx, state, session, Actors::Only("user"), BEARER, options)?
        .ok_or_else(|| Answer::refused(super::answer::UNAUTHORIZED))?;
    if context.get("actor_id").is_some_and(Js::truthy) {
        return Err(Answer::invalid_data(
            "The user is already registered and cannot create a new account.",
        ));
    }
    let metadata = context.get("user_metadata");
    let Some(email) = metadata
        .and_then(|m| m.get("email"))
        .filter(|e| e.truthy())
        .map(Js::js_string)
    else {
        return Err(Answer::invalid_data(
            "Email is required to create a user account.",
        ));
    };
    let identity_id = context
        .get("auth_identity_id")
        .map(Js::js_string)
        .unwrap_or_default();
    let Some(index) = state
        .identities
        .iter()
        .position(|i| i.id == identity_id && provider == EMAILPASS)
    else {
        return Err(Answer::unauthorized(&format!(
            "Only {provider} identities can create a user account for this authentication context"
        )));
    };
    if state.identities[index].actor("user").is_some() || state.is_full() {
        return Err(Answer::unknown_error());
    }
    let user = match state.users.iter().find(|u| u.email == email) {
        Some(user) => user.clone(),
        None => {
            let name = |key: &str| {
                metadata
                    .and_then(|m| m.get(key))
                    .and_then(Js::as_str)
                    .map(str::to_owned)
            };
            let at = cx.timestamp();
            let user = UserRecord {
                id: new_id("user", cx.now),
                email,
                first_name: name("given_name"),
                last_name: name("family_name"),
                created_at: at,
                updated_at: at,
            };
            state.users.push(user.clone());
            user
        }
    };
    state.identities[index].link("user", &user.id);
    Ok(Answer::json(
        StatusCode::OK,
        &Js::object([("user", user.json())]),
    ))
}
