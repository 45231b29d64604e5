//! The `/store` routes: the publishable-key check every `/store` path goes through
//! first, `POST /store/customers` (an account for the identity of a registration
//! token), `GET|POST /store/customers/me`, `GET /store/regions` (none).

use http::StatusCode;
use http::header::HeaderName;

use super::State;
use super::answer::Answer;
use super::auth::{self, Actors, Options, SESSION_BEARER};
use super::fields::{jsonb, merge_metadata, project};
use super::handler::{Cx, SessionCtx, joined};
use super::json::Js;
use super::records::{CustomerRecord, KeyKind};
use super::routes::RouteId;
use super::shared::ids::new_id;
use super::validate::{self, Valid};

const KEY_REQUIRED: &str = "Publishable API key required in the request header: x-publishable-api-key. You can manage your keys in settings in the dashboard.";
const KEY_INVALID: &str = "A valid publishable key is required to proceed with the request";

/// `ensurePublishableApiKeyMiddleware`: a live publishable key in
/// `x-publishable-api-key`, or a 400 `not_allowed`.
pub(crate) fn publishable_key(cx: &Cx<'_>, state: &State) -> Result<(), Answer> {
    let name = HeaderName::from_static("x-publishable-api-key");
    let Some(value) = joined(cx.headers, &name, ", ").filter(|v| !v.is_empty()) else {
        return Err(Answer::not_allowed(KEY_REQUIRED));
    };
    let now = cx.timestamp();
    let live = state.api_keys.iter().any(|key| {
        key.kind == KeyKind::Publishable
            && key.is_live(now)
            && medusa_auth_core::internal::constant_time_eq(
                medusa_auth_core::ExposeSecret::expose_secret(&key.token),
                &value,
            )
    });
    if live {
        Ok(())
    } else {
        Err(Answer::not_allowed(KEY_INVALID))
    }
}

fn body(cx: &Cx<'_>, schema: validate::Schema) -> Result<Valid, Answer> {
    validate::validate(schema, &cx.body).map_err(|m| Answer::invalid_data(&m))
}

fn query(cx: &Cx<'_>, schema: validate::Schema) -> Result<Valid, Answer> {
    validate::validate(schema, &cx.query()).map_err(|m| Answer::invalid_data(&m))
}

fn envelope(customer: &CustomerRecord, fields: Option<&str>) -> Answer {
    Answer::json(
        StatusCode::OK,
        &Js::object([("customer", project(&customer.store_json(), fields))]),
    )
}

pub(crate) fn route(
    cx: &Cx<'_>,
    state: &mut State,
    session: &SessionCtx,
    id: RouteId,
    param: &str,
) -> Answer {
    let result = match id {
        RouteId::StoreCustomers => create_customer(cx, state, session),
        RouteId::StoreCustomersMe => me(cx, state, session),
        RouteId::StoreCustomerAddresses => addresses(cx, None),
        RouteId::StoreCustomerAddress => addresses(cx, Some(param)),
        _ => regions(cx),
    };
    result.unwrap_or_else(|answer| answer)
}

/// `authenticate("customer", ["session", "bearer"])` on every method of
/// `/store/customers/me*` (Express's `me(.*)`: also `/store/customers/meX`).
pub(crate) fn me_guard(cx: &Cx<'_>, state: &State, session: &SessionCtx) -> Result<(), Answer> {
    let path = cx.path.as_bytes();
    let prefix = b"/store/customers/me";
    if path.len() >= prefix.len() && path[..prefix.len()].eq_ignore_ascii_case(prefix) {
        auth::authenticate(
            cx,
            state,
            session,
            Actors::Only("customer"),
            SESSION_BEARER,
            Options::default(),
        )?;
    }
    Ok(())
}

/// `GET /store/customers/me/addresses[/:id]`: the fake keeps no addresses.
fn addresses(cx: &Cx<'_>, id: Option<&str>) -> Result<Answer, Answer> {
    if let Some(id) = id {
        query(cx, validate::SELECT_PARAMS)?;
        return Err(Answer::not_found(&format!(
            "Address with id: {id} was not found"
        )));
    }
    let valid = query(cx, validate::STORE_ADDRESSES_PARAMS)?;
    let offset = valid.number("offset").unwrap_or(0.0);
    let limit = valid.number("limit").unwrap_or(50.0);
    Ok(Answer::json(
        StatusCode::OK,
        &Js::object([
            ("addresses", Js::Array(Vec::new())),
            ("count", Js::Number(0.0)),
            ("offset", Js::Number(offset)),
            ("limit", Js::Number(limit)),
        ]),
    ))
}

/// `GET /store/regions`: the fake has no regions.
fn regions(cx: &Cx<'_>) -> Result<Answer, Answer> {
    let valid = query(cx, validate::STORE_REGIONS_PARAMS)?;
    let offset = valid.number("offset").unwrap_or(0.0);
    let limit = valid.number("limit").unwrap_or(50.0);
    Ok(Answer::json(
        StatusCode::OK,
        &Js::object([
            ("regions", Js::Array(Vec::new())),
            ("count", Js::Number(0.0)),
            ("offset", Js::Number(offset)),
            ("limit", Js::Number(limit)),
        ]),
    ))
}

/// `POST /store/customers`: `authenticate("customer", ["session", "bearer"],
/// {allowUnregistered})`, the body and query validated, then
/// `createCustomerAccountWorkflow` for the token's identity.
fn create_customer(cx: &Cx<'_>, state: &mut State, session: &SessionCtx) -> Result<Answer, Answer> {
    let options = Options {
        allow_unregistered: true,
        ..Options::default()
    };
    let context = auth::authenticate(
        cx,
        state,
        session,
        Actors::Only("customer"),
        SESSION_BEARER,
        options,
    )?
    .ok_or_else(|| Answer::refused(super::answer::UNAUTHORIZED))?;
    let valid = body(cx, validate::STORE_CREATE_CUSTOMER)?;
    let valid_query = query(cx, validate::SELECT_PARAMS)?;
    if context.get("actor_id").is_some_and(Js::truthy) {
        return Err(Answer::invalid_data(
            "Request already authenticated as a customer.",
        ));
    }
    let Some(email) = valid.str("email").filter(|e| !e.is_empty()) else {
        return Err(Answer::invalid_data(
            "Email is required to create a customer",
        ));
    };
    if state
        .customers
        .iter()
        .any(|c| c.email == email && c.has_account)
    {
        return Err(Answer::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid_request_error"),
            "duplicate_error",
            "Customer with this email already has an account",
        ));
    }
    if state.is_full() {
        return Err(Answer::unknown_error());
    }
    // setAuthAppMetadataStep, after the customer was made (undone when it fails).
    let identity_id = context
        .get("auth_identity_id")
        .map(Js::js_string)
        .unwrap_or_default();
    let Some(identity) = state.identities.iter_mut().find(|i| i.id == identity_id) else {
        return Err(Answer::not_found(&format!(
            "AuthIdentity with id: {identity_id} was not found"
        )));
    };
    if identity.actor("customer").is_some() {
        // `Key customer_id already exists in app metadata`: a plain Error.
        return Err(Answer::unknown_error());
    }
    let at = cx.timestamp();
    let text = |name: &str| valid.str(name).map(str::to_owned);
    let customer = CustomerRecord {
        id: new_id("cus", cx.now),
        email: email.to_owned(),
        company_name: text("company_name"),
        first_name: text("first_name"),
        last_name: text("last_name"),
        phone: text("phone"),
        metadata: valid.get("metadata").cloned().map_or(Js::Null, jsonb),
        has_account: true,
        created_at: at,
        updated_at: at,
    };
    identity.link("customer", &customer.id);
    let answer = envelope(&customer, valid_query.str("fields"));
    state.customers.push(customer);
    Ok(answer)
}

/// `GET|POST /store/customers/me`: `authenticate("customer", ["session", "bearer"])`.
fn me(cx: &Cx<'_>, state: &mut State, session: &SessionCtx) -> Result<Answer, Answer> {
    let context = auth::authenticate(
        cx,
        state,
        session,
        Actors::Only("customer"),
        SESSION_BEARER,
        Options::default(),
    )?
    .ok_or_else(|| Answer::refused(super::answer::UNAUTHORIZED))?;
    let id = context
        .get("actor_id")
        .map(Js::js_string)
        .unwrap_or_default();
    // A crafted token's non-string actor id fails in the database query.
    if !matches!(context.get("actor_id"), Some(Js::String(_))) {
        return Err(Answer::unknown_error());
    }
    if cx.method == http::Method::POST {
        let valid = body(cx, validate::STORE_UPDATE_CUSTOMER)?;
        let valid_query = query(cx, validate::SELECT_PARAMS)?;
        let Some(customer) = state.customers.iter_mut().find(|c| c.id == id) else {
            // The workflow updates nothing; the refetch finds nothing: `{"customer":
            // undefined}` is `{}`.
            return Ok(Answer::json(StatusCode::OK, &Js::empty_object()));
        };
        for (name, slot) in [
            ("company_name", &mut customer.company_name),
            ("first_name", &mut customer.first_name),
            ("last_name", &mut customer.last_name),
            ("phone", &mut customer.phone),
        ] {
            if let Some(value) = valid.nullable_str(name) {
                *slot = value.map(str::to_owned);
            }
        }
        if let Some(metadata) = valid.get("metadata") {
            customer.metadata = merge_metadata(&customer.metadata, metadata);
        }
        customer.updated_at = cx.timestamp();
        return Ok(envelope(customer, valid_query.str("fields")));
    }
    let valid_query = query(cx, validate::SELECT_PARAMS)?;
    match state.customers.iter().find(|c| c.id == id) {
        Some(customer) => Ok(envelope(customer, valid_query.str("fields"))),
        None => Err(Answer::not_found(&format!(
            "Customer with id: {id} was not found"
        ))),
    }
}
