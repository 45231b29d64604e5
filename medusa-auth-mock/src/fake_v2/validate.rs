//! Medusa's request validation: zod 4 schemas made strict (`zodValidator`), and the
//! messages its formatter builds from zod's first three issues, joined by `; ` and
//! prefixed with `Invalid request: ` (a 400 `invalid_data`).

use super::json::Js;

/// The type a field accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ty {
    /// `z.string()`.
    String,
    /// `z.string().email()`.
    Email,
    /// `z.number()` on a JSON body.
    Number,
    /// `z.preprocess(parseInt, z.number())`: a query parameter read as a number.
    QueryNumber,
    /// `z.preprocess("true"/"false", z.boolean())`: a query parameter read as a boolean.
    QueryBoolean,
    /// `z.record(z.string(), z.unknown())`.
    Record,
    /// `z.union([z.string(), z.array(z.string())])`.
    Strings,
    /// `z.nativeEnum(...)`.
    Enum(&'static [&'static str]),
    /// Anything (operator maps and other filters the fake does not read).
    Any,
}

/// Whether a field may be missing (`optional`) or also `null` (`nullish`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presence {
    Required,
    Optional,
    Nullish,
}

/// A schema: its fields in declaration order (the order of zod's issues).
pub(crate) type Schema = &'static [(&'static str, Ty, Presence)];

use Presence::{Nullish, Optional, Required};

/// `ResetPasswordRequest`.
pub(crate) const RESET_PASSWORD: Schema = &[
    ("identifier", Ty::String, Required),
    ("metadata", Ty::Record, Optional),
];

/// `StoreCreateCustomer`.
pub(crate) const STORE_CREATE_CUSTOMER: Schema = &[
    ("email", Ty::Email, Nullish),
    ("company_name", Ty::String, Nullish),
    ("first_name", Ty::String, Nullish),
    ("last_name", Ty::String, Nullish),
    ("phone", Ty::String, Nullish),
    ("metadata", Ty::Record, Nullish),
];

/// `StoreUpdateCustomer`.
pub(crate) const STORE_UPDATE_CUSTOMER: Schema = &[
    ("company_name", Ty::String, Nullish),
    ("first_name", Ty::String, Nullish),
    ("last_name", Ty::String, Nullish),
    ("phone", Ty::String, Nullish),
    ("metadata", Ty::Record, Nullish),
];

/// `AdminCreateApiKey`.
pub(crate) const ADMIN_CREATE_API_KEY: Schema = &[
    ("title", Ty::String, Required),
    ("type", Ty::Enum(&["publishable", "secret"]), Required),
];

/// `AdminRevokeApiKey`.
pub(crate) const ADMIN_REVOKE_API_KEY: Schema = &[("revoke_in", Ty::Number, Optional)];

/// `createSelectParams()`: `?fields=`.
pub(crate) const SELECT_PARAMS: Schema = &[("fields", Ty::String, Optional)];

/// `AdminGetUsersParams`.
pub(crate) const ADMIN_USERS_PARAMS: Schema = &[
    ("fields", Ty::String, Optional),
    ("offset", Ty::QueryNumber, Optional),
    ("limit", Ty::QueryNumber, Optional),
    ("order", Ty::String, Optional),
    ("with_deleted", Ty::QueryBoolean, Optional),
    ("q", Ty::String, Optional),
    ("id", Ty::Strings, Optional),
    ("created_at", Ty::Any, Optional),
    ("updated_at", Ty::Any, Optional),
    ("deleted_at", Ty::Any, Optional),
    ("email", Ty::String, Nullish),
    ("first_name", Ty::String, Nullish),
    ("last_name", Ty::String, Nullish),
];

/// `AdminCustomersParams`.
pub(crate) const ADMIN_CUSTOMERS_PARAMS: Schema = &[
    ("fields", Ty::String, Optional),
    ("offset", Ty::QueryNumber, Optional),
    ("limit", Ty::QueryNumber, Optional),
    ("order", Ty::String, Optional),
    ("with_deleted", Ty::QueryBoolean, Optional),
    ("q", Ty::String, Optional),
    ("id", Ty::Any, Optional),
    ("email", Ty::Strings, Optional),
    ("groups", Ty::Any, Optional),
    ("company_name", Ty::Strings, Optional),
    ("first_name", Ty::Strings, Optional),
    ("last_name", Ty::Strings, Optional),
    ("has_account", Ty::Any, Optional),
    ("created_by", Ty::Strings, Optional),
    ("created_at", Ty::Any, Optional),
    ("updated_at", Ty::Any, Optional),
    ("deleted_at", Ty::Any, Optional),
    ("$and", Ty::Any, Optional),
    ("$or", Ty::Any, Optional),
];

/// `AdminGetApiKeysParams`.
pub(crate) const ADMIN_API_KEYS_PARAMS: Schema = &[
    ("fields", Ty::String, Optional),
    ("offset", Ty::QueryNumber, Optional),
    ("limit", Ty::QueryNumber, Optional),
    ("order", Ty::String, Optional),
    ("with_deleted", Ty::QueryBoolean, Optional),
    ("q", Ty::String, Optional),
    ("id", Ty::Strings, Optional),
    ("title", Ty::Strings, Optional),
    ("token", Ty::Strings, Optional),
    ("type", Ty::Enum(&["publishable", "secret"]), Optional),
    ("created_at", Ty::Any, Optional),
    ("updated_at", Ty::Any, Optional),
    ("deleted_at", Ty::Any, Optional),
    ("revoked_at", Ty::Any, Optional),
    ("$and", Ty::Any, Optional),
    ("$or", Ty::Any, Optional),
];

/// `StoreGetCustomerAddressesParams`.
pub(crate) const STORE_ADDRESSES_PARAMS: Schema = &[
    ("fields", Ty::String, Optional),
    ("offset", Ty::QueryNumber, Optional),
    ("limit", Ty::QueryNumber, Optional),
    ("order", Ty::String, Optional),
    ("with_deleted", Ty::QueryBoolean, Optional),
    ("q", Ty::String, Optional),
    ("city", Ty::Strings, Optional),
    ("country_code", Ty::Strings, Optional),
    ("postal_code", Ty::Strings, Optional),
];

/// `StoreGetRegionsParams`.
pub(crate) const STORE_REGIONS_PARAMS: Schema = &[
    ("fields", Ty::String, Optional),
    ("offset", Ty::QueryNumber, Optional),
    ("limit", Ty::QueryNumber, Optional),
    ("order", Ty::String, Optional),
    ("with_deleted", Ty::QueryBoolean, Optional),
    ("q", Ty::String, Optional),
    ("id", Ty::Strings, Optional),
    ("currency_code", Ty::Strings, Optional),
    ("name", Ty::Strings, Optional),
    ("$and", Ty::Any, Optional),
    ("$or", Ty::Any, Optional),
];

/// A value that passed: its fields (query numbers and booleans converted).
#[derive(Debug, Clone)]
pub(crate) struct Valid(Js);

impl Valid {
    pub(crate) fn get(&self, name: &str) -> Option<&Js> {
        self.0.get(name)
    }

    pub(crate) fn str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Js::as_str)
    }

    /// A number field (`limit`, `offset`, `revoke_in`).
    pub(crate) fn number(&self, name: &str) -> Option<f64> {
        match self.get(name) {
            Some(Js::Number(n)) => Some(*n),
            _ => None,
        }
    }

    /// Whether a nullish field was sent, and its value (`Some(None)`: `null`).
    pub(crate) fn nullable_str(&self, name: &str) -> Option<Option<&str>> {
        match self.get(name)? {
            Js::Null => Some(None),
            other => other.as_str().map(Some),
        }
    }

    #[cfg(test)]
    fn into_inner(self) -> Js {
        self.0
    }
}

/// `zodValidator(schema.strict(), value)`: the value, or the message of the 400.
pub(crate) fn validate(schema: Schema, value: &Js) -> Result<Valid, String> {
    let Js::Object(entries) = value else {
        return Err("Invalid request: Field '' is required".to_owned());
    };
    let mut issues: Vec<String> = Vec::new();
    let mut out: Vec<(String, Js)> = Vec::new();
    for &(name, ty, presence) in schema {
        let field = entries.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        match field {
            None => {
                if presence == Required {
                    issues.push(format!("Field '{name}' is required"));
                }
            }
            Some(Js::Null) if presence == Nullish => out.push((name.to_owned(), Js::Null)),
            Some(value) => match check(name, ty, value) {
                Ok(value) => out.push((name.to_owned(), value)),
                Err(issue) => issues.push(issue),
            },
        }
    }
    let unknown: Vec<&str> = entries
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !schema.iter().any(|(name, _, _)| name == k))
        .collect();
    if !unknown.is_empty() {
        issues.push(format!("Unrecognized fields: '{}'", unknown.join(", ")));
    }
    if issues.is_empty() {
        // Keep the body's key order for what passed.
        let mut ordered: Vec<(String, Js)> = Vec::new();
        for (key, _) in entries {
            if let Some(index) = out.iter().position(|(k, _)| k == key) {
                ordered.push(out.swap_remove(index));
            }
        }
        Ok(Valid(Js::Object(ordered)))
    } else {
        issues.truncate(3);
        Err(format!("Invalid request: {}", issues.join("; ")))
    }
}

fn expected(kind: &str, name: &str, value: &Js) -> String {
    format!(
        "Expected type: '{kind}' for field '{name}', got: '{}'",
        value.js_string()
    )
}

fn check(name: &str, ty: Ty, value: &Js) -> Result<Js, String> {
    match ty {
        Ty::Any => Ok(value.clone()),
        Ty::String => match value {
            Js::String(_) => Ok(value.clone()),
            _ => Err(expected("string", name, value)),
        },
        Ty::Email => match value {
            Js::String(text) if is_email(text) => Ok(value.clone()),
            Js::String(_) => Err("Invalid email address".to_owned()),
            _ => Err(expected("string", name, value)),
        },
        Ty::Number => match value {
            Js::Number(n) if n.is_finite() => Ok(value.clone()),
            _ => Err(expected("number", name, value)),
        },
        Ty::QueryNumber => {
            let converted = match value {
                Js::String(text) if !text.is_empty() => Js::Number(parse_int(text)),
                other => other.clone(),
            };
            match converted {
                Js::Number(n) if n.is_finite() => Ok(Js::Number(n)),
                _ => Err(expected("number", name, value)),
            }
        }
        Ty::QueryBoolean => match value {
            Js::String(text) if text == "true" => Ok(Js::Bool(true)),
            Js::String(text) if text == "false" => Ok(Js::Bool(false)),
            Js::Bool(_) => Ok(value.clone()),
            _ => Err(expected("boolean", name, value)),
        },
        Ty::Record => match value {
            Js::Object(_) => Ok(value.clone()),
            _ => Err(expected("record", name, value)),
        },
        Ty::Strings => match value {
            Js::String(_) => Ok(value.clone()),
            Js::Array(items) if items.iter().all(|i| matches!(i, Js::String(_))) => {
                Ok(value.clone())
            }
            Js::Array(_) => Err(expected("string", name, value)),
            _ => Err(expected("string, array", name, value)),
        },
        Ty::Enum(values) => match value {
            Js::String(text) if values.contains(&text.as_str()) => Ok(value.clone()),
            _ => Err(format!(
                "Expected: '{}' for field '{name}', but got: '{}'",
                values.join(", "),
                value.js_string()
            )),
        },
    }
}

/// JavaScript's `parseInt(text)` (radix 10, or 16 after `0x`): `NaN` when no digit
/// starts the text.
pub(crate) fn parse_int(text: &str) -> f64 {
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let (negative, rest) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let (radix, digits) = match rest.get(..2) {
        Some("0x" | "0X") => (16, &rest[2..]),
        _ => (10, rest),
    };
    let mut value: f64 = 0.0;
    let mut any = false;
    for c in digits.chars() {
        let Some(digit) = c.to_digit(radix) else {
            break;
        };
        value = value * f64::from(radix) + f64::from(digit);
        any = true;
    }
    match (any, negative) {
        (false, _) => f64::NAN,
        (true, true) => -value,
        (true, false) => value,
    }
}

/// zod 4's e-mail check:
/// `^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$`.
pub(crate) fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && !local.starts_with('.')
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_'+-.".contains(&b))
        && local
            .bytes()
            .last()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"_+-".contains(&b));
    if !local_ok || text.contains("..") {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((tld, rest)) = labels.split_last() else {
        return false;
    };
    !rest.is_empty()
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
        && rest.iter().all(|label| {
            label
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_v2::json::parse;

    fn message(schema: Schema, body: &str) -> String {
        validate(schema, &parse(body).unwrap()).unwrap_err()
    }

    #[test]
    fn messages_are_medusas() {
        // Each was printed by Medusa 2.21.2's zodValidator (zod 4.2) on Node 20.
        let cases = [
            (
                STORE_CREATE_CUSTOMER,
                r#"{"email":"x"}"#,
                "Invalid email address",
            ),
            (
                STORE_CREATE_CUSTOMER,
                r#"{"email":5}"#,
                "Expected type: 'string' for field 'email', got: '5'",
            ),
            (
                STORE_CREATE_CUSTOMER,
                r#"{"first_name":42,"last_name":1,"phone":2,"company_name":3}"#,
                "Expected type: 'string' for field 'company_name', got: '3'; Expected type: 'string' for field 'first_name', got: '42'; Expected type: 'string' for field 'last_name', got: '1'",
            ),
            (
                STORE_CREATE_CUSTOMER,
                r#"{"first_name":42,"last_name":[1,2],"phone":{}}"#,
                "Expected type: 'string' for field 'first_name', got: '42'; Expected type: 'string' for field 'last_name', got: '1,2'; Expected type: 'string' for field 'phone', got: '[object Object]'",
            ),
            (
                STORE_CREATE_CUSTOMER,
                r#"{"password":"x","other":1}"#,
                "Unrecognized fields: 'password, other'",
            ),
            (
                STORE_CREATE_CUSTOMER,
                r#"{"first_name":1,"password":"x"}"#,
                "Expected type: 'string' for field 'first_name', got: '1'; Unrecognized fields: 'password'",
            ),
            (
                STORE_CREATE_CUSTOMER,
                r#"{"metadata":[1]}"#,
                "Expected type: 'record' for field 'metadata', got: '1'",
            ),
            (STORE_CREATE_CUSTOMER, "[]", "Field '' is required"),
            (RESET_PASSWORD, "{}", "Field 'identifier' is required"),
            (
                RESET_PASSWORD,
                r#"{"identifier":null}"#,
                "Expected type: 'string' for field 'identifier', got: 'null'",
            ),
            (
                ADMIN_CREATE_API_KEY,
                "{}",
                "Field 'title' is required; Field 'type' is required",
            ),
            (
                ADMIN_CREATE_API_KEY,
                r#"{"title":"t","type":"x"}"#,
                "Expected: 'publishable, secret' for field 'type', but got: 'x'",
            ),
            (
                ADMIN_REVOKE_API_KEY,
                r#"{"revoke_in":"x"}"#,
                "Expected type: 'number' for field 'revoke_in', got: 'x'",
            ),
            (
                ADMIN_USERS_PARAMS,
                r#"{"limit":"abc","offset":"x"}"#,
                "Expected type: 'number' for field 'offset', got: 'x'; Expected type: 'number' for field 'limit', got: 'abc'",
            ),
            (
                ADMIN_USERS_PARAMS,
                r#"{"limit":""}"#,
                "Expected type: 'number' for field 'limit', got: ''",
            ),
            (
                ADMIN_USERS_PARAMS,
                r#"{"limit":["1","2"]}"#,
                "Expected type: 'number' for field 'limit', got: '1,2'",
            ),
            (
                ADMIN_USERS_PARAMS,
                r#"{"with_deleted":"yes"}"#,
                "Expected type: 'boolean' for field 'with_deleted', got: 'yes'",
            ),
            (
                ADMIN_USERS_PARAMS,
                r#"{"id":5}"#,
                "Expected type: 'string, array' for field 'id', got: '5'",
            ),
            (
                ADMIN_USERS_PARAMS,
                r#"{"id":["a",2]}"#,
                "Expected type: 'string' for field 'id', got: 'a,2'",
            ),
        ];
        for (schema, body, expected) in cases {
            assert_eq!(
                message(schema, body),
                format!("Invalid request: {expected}"),
                "{body}"
            );
        }
    }

    #[test]
    fn what_passes() {
        let valid = validate(ADMIN_USERS_PARAMS, &parse(r#"{"limit":"10abc"}"#).unwrap()).unwrap();
        assert_eq!(valid.number("limit"), Some(10.0));
        let valid = validate(RESET_PASSWORD, &parse(r#"{"identifier":"x"}"#).unwrap()).unwrap();
        assert_eq!(valid.str("identifier"), Some("x"));
        let valid = validate(
            STORE_CREATE_CUSTOMER,
            &parse(r#"{"phone":null,"email":"a@b.co"}"#).unwrap(),
        )
        .unwrap();
        assert_eq!(
            valid.into_inner().to_json(),
            r#"{"phone":null,"email":"a@b.co"}"#
        );
        assert_eq!(parse_int("0x10"), 16.0);
        assert_eq!(parse_int(" 12px"), 12.0);
        assert!(parse_int("").is_nan() && parse_int("x1").is_nan());
        assert_eq!(parse_int("1e3"), 1.0);
    }

    #[test]
    fn emails_as_zod_checks_them() {
        for good in [
            "a@b.co",
            "new.customer@example.com",
            "o'neil+x@sub.example.org",
        ] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "x",
            "",
            "ñ@b.co",
            ".a@b.co",
            "a..b@c.co",
            "a.@b.co",
            "a@b",
            "a@b.c",
            "a@-b.co",
            "a@b.c0m",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
