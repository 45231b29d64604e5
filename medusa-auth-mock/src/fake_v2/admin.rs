//! The `/admin` routes the fake knows (all behind the admin authentication of the
//! handler): the current user, the users and customers lists, the API keys.

use http::StatusCode;

use super::State;
use super::answer::Answer;
use super::fields::project;
use super::handler::Cx;
use super::json::Js;
use super::records::{ApiKeyRecord, KeyKind};
use super::routes::RouteId;
use super::shared::ids::new_id;
use super::validate::{self, Valid};

fn body(cx: &Cx<'_>, schema: validate::Schema) -> Result<Valid, Answer> {
    validate::validate(schema, &cx.body).map_err(|m| Answer::invalid_data(&m))
}

fn query(cx: &Cx<'_>, schema: validate::Schema) -> Result<Valid, Answer> {
    validate::validate(schema, &cx.query()).map_err(|m| Answer::invalid_data(&m))
}

pub(crate) fn route(
    cx: &Cx<'_>,
    state: &mut State,
    id: RouteId,
    param: &str,
    context: &Js,
) -> Answer {
    let actor_id = context
        .get("actor_id")
        .map(Js::js_string)
        .unwrap_or_default();
    // A crafted token's non-string actor id fails in the database query.
    let string_actor = matches!(context.get("actor_id"), Some(Js::String(_)));
    let result = match id {
        RouteId::AdminUsersMe if !string_actor => Err(Answer::unknown_error()),
        RouteId::AdminUsersMe => user(cx, state, &actor_id),
        RouteId::AdminUser => user(cx, state, param),
        RouteId::AdminUsers => users(cx, state),
        RouteId::AdminCustomers => customers(cx, state),
        RouteId::AdminApiKeys if cx.method == http::Method::POST => {
            create_key(cx, state, &actor_id)
        }
        RouteId::AdminApiKeys => keys(cx, state),
        RouteId::AdminApiKey => key(cx, state, param),
        _ => revoke_key(cx, state, param, &actor_id),
    };
    result.unwrap_or_else(|answer| answer)
}

/// `GET /admin/users/me` and `GET /admin/users/:id`. With a secret key the actor is
/// the key (`apk_…`): no such user, 404.
fn user(cx: &Cx<'_>, state: &State, id: &str) -> Result<Answer, Answer> {
    let valid = query(cx, validate::SELECT_PARAMS)?;
    match state.users.iter().find(|u| u.id == id) {
        Some(user) => Ok(Answer::json(
            StatusCode::OK,
            &Js::object([("user", project(&user.json(), valid.str("fields")))]),
        )),
        None => Err(Answer::not_found(&format!(
            "User with id: {id} was not found"
        ))),
    }
}

/// `offset` and `limit` of a list (a negative one fails in the database: 500).
fn page(valid: &Valid, default_limit: f64) -> Result<(f64, f64), Answer> {
    let offset = valid.number("offset").unwrap_or(0.0);
    let limit = valid.number("limit").unwrap_or(default_limit);
    if offset < 0.0 || limit < 0.0 {
        return Err(Answer::unknown_error());
    }
    Ok((offset, limit))
}

fn list(name: &str, rows: Vec<Js>, offset: f64, limit: f64) -> Answer {
    let count = rows.len();
    let page: Vec<Js> = rows
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    Answer::json(
        StatusCode::OK,
        &Js::Object(vec![
            (name.to_owned(), Js::Array(page)),
            ("count".to_owned(), Js::Number(count as f64)),
            ("offset".to_owned(), Js::Number(offset)),
            ("limit".to_owned(), Js::Number(limit)),
        ]),
    )
}

/// Whether `value` (a string or strings filter) admits `field`.
fn admits(filter: Option<&Js>, field: Option<&str>) -> bool {
    match filter {
        None => true,
        Some(Js::String(wanted)) => field == Some(wanted.as_str()),
        Some(Js::Array(items)) => items.iter().any(|i| i.as_str() == field),
        Some(Js::Null) => field.is_none(),
        Some(_) => true,
    }
}

/// `q`: a case-insensitive substring of one of `fields`.
fn searched(valid: &Valid, fields: &[Option<&str>]) -> bool {
    let Some(q) = valid.str("q") else { return true };
    let q = q.to_lowercase();
    fields
        .iter()
        .flatten()
        .any(|field| field.to_lowercase().contains(&q))
}

/// `GET /admin/users`.
fn users(cx: &Cx<'_>, state: &State) -> Result<Answer, Answer> {
    let valid = query(cx, validate::ADMIN_USERS_PARAMS)?;
    let (offset, limit) = page(&valid, 50.0)?;
    let rows = state
        .users
        .iter()
        .filter(|u| {
            searched(
                &valid,
                &[
                    Some(&u.email),
                    u.first_name.as_deref(),
                    u.last_name.as_deref(),
                ],
            ) && admits(valid.get("id"), Some(&u.id))
                && admits(valid.get("email"), Some(&u.email))
                && admits(valid.get("first_name"), u.first_name.as_deref())
                && admits(valid.get("last_name"), u.last_name.as_deref())
        })
        .map(|u| project(&u.json(), valid.str("fields")))
        .collect();
    Ok(list("users", rows, offset, limit))
}

/// `GET /admin/customers`.
fn customers(cx: &Cx<'_>, state: &State) -> Result<Answer, Answer> {
    let valid = query(cx, validate::ADMIN_CUSTOMERS_PARAMS)?;
    let (offset, limit) = page(&valid, 50.0)?;
    let rows = state
        .customers
        .iter()
        .filter(|c| {
            searched(
                &valid,
                &[
                    Some(&c.email),
                    c.first_name.as_deref(),
                    c.last_name.as_deref(),
                    c.company_name.as_deref(),
                    c.phone.as_deref(),
                ],
            ) && admits(valid.get("email"), Some(&c.email))
                && admits(valid.get("first_name"), c.first_name.as_deref())
                && admits(valid.get("last_name"), c.last_name.as_deref())
                && admits(valid.get("company_name"), c.company_name.as_deref())
        })
        .map(|c| project(&c.admin_json(), valid.str("fields")))
        .collect();
    Ok(list("customers", rows, offset, limit))
}

/// `GET /admin/api-keys`.
fn keys(cx: &Cx<'_>, state: &State) -> Result<Answer, Answer> {
    let valid = query(cx, validate::ADMIN_API_KEYS_PARAMS)?;
    let (offset, limit) = page(&valid, 20.0)?;
    let rows = state
        .api_keys
        .iter()
        .filter(|k| {
            searched(&valid, &[Some(&k.title)])
                && admits(valid.get("id"), Some(&k.id))
                && admits(valid.get("title"), Some(&k.title))
                && admits(valid.get("type"), Some(k.kind.as_str()))
        })
        .map(|k| project(&k.json(&state.sales_channels), valid.str("fields")))
        .collect();
    Ok(list("api_keys", rows, offset, limit))
}

/// `POST /admin/api-keys`: the answer shows the token, this once.
fn create_key(cx: &Cx<'_>, state: &mut State, actor_id: &str) -> Result<Answer, Answer> {
    let valid = body(cx, validate::ADMIN_CREATE_API_KEY)?;
    query(cx, validate::SELECT_PARAMS)?;
    if state.is_full() {
        return Err(Answer::unknown_error());
    }
    let kind = match valid.str("type") {
        Some("secret") => KeyKind::Secret,
        _ => KeyKind::Publishable,
    };
    let at = cx.timestamp();
    let key = ApiKeyRecord {
        id: new_id("apk", cx.now),
        token: super::new_key_token(kind).into(),
        title: valid.str("title").unwrap_or_default().to_owned(),
        kind,
        created_by: actor_id.to_owned(),
        revoked_by: None,
        revoked_at: None,
        created_at: at,
        updated_at: at,
        sales_channels: Vec::new(),
    };
    let answer = Answer::json(
        StatusCode::OK,
        &Js::object([("api_key", key.created_json())]),
    );
    state.api_keys.push(key);
    Ok(answer)
}

/// `GET /admin/api-keys/:id`.
fn key(cx: &Cx<'_>, state: &State, id: &str) -> Result<Answer, Answer> {
    let valid = query(cx, validate::SELECT_PARAMS)?;
    match state.api_keys.iter().find(|k| k.id == id) {
        Some(key) => Ok(Answer::json(
            StatusCode::OK,
            &Js::object([(
                "api_key",
                project(&key.json(&state.sales_channels), valid.str("fields")),
            )]),
        )),
        None => Err(Answer::not_found(&format!(
            "API Key with id: {id} was not found"
        ))),
    }
}

/// `POST /admin/api-keys/:id/revoke`: revoked now, or `revoke_in` seconds from now.
fn revoke_key(cx: &Cx<'_>, state: &mut State, id: &str, actor_id: &str) -> Result<Answer, Answer> {
    let valid = body(cx, validate::ADMIN_REVOKE_API_KEY)?;
    let valid_query = query(cx, validate::SELECT_PARAMS)?;
    let now = cx.timestamp();
    let Some(index) = state.api_keys.iter().position(|k| k.id == id) else {
        // The workflow revokes nothing and the refetch finds nothing:
        // `{"api_key": undefined}` is `{}`.
        return Ok(Answer::json(StatusCode::OK, &Js::empty_object()));
    };
    let key = &mut state.api_keys[index];
    if key.kind == KeyKind::Secret && key.revoked_at.is_some_and(|at| at < now) {
        return Err(Answer::invalid_data(
            "There are 1 secret keys that are already revoked.",
        ));
    }
    let delay = valid
        .number("revoke_in")
        .filter(|s| *s > 0.0)
        .map(|s| s as i64)
        .unwrap_or(0);
    let revoked_at = now
        .checked_add(jiff::SignedDuration::from_secs(delay))
        .unwrap_or(now);
    key.revoked_at = Some(revoked_at);
    key.revoked_by = Some(actor_id.to_owned());
    key.updated_at = now;
    let json = project(&key.json(&state.sales_channels), valid_query.str("fields"));
    Ok(Answer::json(
        StatusCode::OK,
        &Js::object([("api_key", json)]),
    ))
}
