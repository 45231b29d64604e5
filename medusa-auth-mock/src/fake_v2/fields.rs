//! What Medusa makes of a record before sending it: the `?fields=` selection
//! (`FieldParser`: a plain list replaces the default fields, `+f`/` f` adds, `-f`
//! removes, `*rel` selects a relation, `id` always comes along, unknown fields fall
//! away) and PostgreSQL's `jsonb` key order for `metadata` and `app_metadata`.

use super::json::Js;

/// `record` (its keys: the route's default fields, relations last) as `fields`
/// selects it; `None`: the defaults.
pub(crate) fn project(record: &Js, fields: Option<&str>) -> Js {
    let (Some(fields), Js::Object(entries)) = (fields, record) else {
        return record.clone();
    };
    let is_relation = |key: &str| {
        entries
            .iter()
            .any(|(k, v)| k == key && matches!(v, Js::Array(_)))
    };
    let defaults: Vec<String> = entries
        .iter()
        .map(|(k, _)| {
            if is_relation(k) {
                format!("*{k}")
            } else {
                k.clone()
            }
        })
        .collect();
    let custom: Vec<&str> = fields.split(',').filter(|f| !f.is_empty()).collect();
    let modifier = |f: &str| {
        f.starts_with('-')
            || f.starts_with('+')
            || f.starts_with(' ')
            || f.starts_with('*')
            || f.ends_with(".*")
    };
    let strip = |f: &str| {
        f.trim_start_matches(['+', ' ', '\t', '-'])
            .trim()
            .to_owned()
    };
    let mut chosen: Vec<String> = Vec::new();
    let add = |chosen: &mut Vec<String>, field: String| {
        if !chosen.contains(&field) {
            chosen.push(field);
        }
    };
    if custom.is_empty() || custom.iter().any(|f| !modifier(f)) {
        for field in &custom {
            add(&mut chosen, strip(field));
        }
    } else {
        chosen = defaults;
        for field in &custom {
            if field.starts_with('+') || field.starts_with(' ') {
                add(&mut chosen, strip(field));
            } else if field.starts_with('-') {
                let name = strip(field);
                chosen.retain(|f| {
                    let f = f.trim_start_matches('*');
                    f != name && !f.starts_with(&format!("{name}."))
                });
            } else {
                add(&mut chosen, (*field).to_owned());
            }
        }
    }
    add(&mut chosen, "id".to_owned());
    // Relations (`*rel`, `rel.*`, `rel.field`) come after the fields.
    let (relations, plain): (Vec<String>, Vec<String>) = chosen
        .into_iter()
        .partition(|f| f.starts_with('*') || f.contains('.'));
    let mut out = Js::empty_object();
    let mut put = |key: &str| {
        if out.get(key).is_none() {
            if let Some(value) = record.get(key) {
                out.insert(key, value.clone());
            }
        }
    };
    for field in &plain {
        put(field);
    }
    for relation in &relations {
        let name = relation.trim_start_matches('*');
        put(name.split('.').next().unwrap_or(name));
    }
    out
}

/// A value as `jsonb` stores it: object keys ordered by length, then bytewise.
pub(crate) fn jsonb(value: Js) -> Js {
    match value {
        Js::Object(entries) => {
            let mut entries: Vec<(String, Js)> =
                entries.into_iter().map(|(k, v)| (k, jsonb(v))).collect();
            entries.sort_by(|(a, _), (b, _)| {
                a.len()
                    .cmp(&b.len())
                    .then_with(|| a.as_bytes().cmp(b.as_bytes()))
            });
            Js::Object(entries)
        }
        Js::Array(items) => Js::Array(items.into_iter().map(jsonb).collect()),
        other => other,
    }
}

/// `mergeMetadata(existing ?? {}, update)` when `update` is present (a non-empty
/// object): keys set, `""` values removing theirs; otherwise `update` as it is.
pub(crate) fn merge_metadata(existing: &Js, update: &Js) -> Js {
    let Js::Object(changes) = update else {
        return update.clone();
    };
    if changes.is_empty() {
        return update.clone();
    }
    let mut merged = match existing {
        Js::Object(_) => existing.clone(),
        _ => Js::empty_object(),
    };
    for (key, value) in changes {
        if value == &Js::String(String::new()) {
            if let Js::Object(entries) = &mut merged {
                entries.retain(|(k, _)| k != key);
            }
        } else {
            merged.insert(key, value.clone());
        }
    }
    jsonb(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_v2::json::parse;

    fn customer() -> Js {
        parse(r#"{"id":"cus_1","email":"e","company_name":null,"metadata":null,"created_at":"d","addresses":[]}"#).unwrap()
    }

    #[test]
    fn fields_select_as_medusa_does() {
        // Each was answered by the recorded server (`GET /store/customers/me?fields=`).
        let cases = [
            ("email,id", r#"{"email":"e","id":"cus_1"}"#),
            (
                "+company_name",
                r#"{"id":"cus_1","email":"e","company_name":null,"metadata":null,"created_at":"d","addresses":[]}"#,
            ),
            (
                " company_name",
                r#"{"id":"cus_1","email":"e","company_name":null,"metadata":null,"created_at":"d","addresses":[]}"#,
            ),
            (
                "-email",
                r#"{"id":"cus_1","company_name":null,"metadata":null,"created_at":"d","addresses":[]}"#,
            ),
            (
                "*addresses",
                r#"{"id":"cus_1","email":"e","company_name":null,"metadata":null,"created_at":"d","addresses":[]}"#,
            ),
            ("nope", r#"{"id":"cus_1"}"#),
            ("", r#"{"id":"cus_1"}"#),
            ("metadata", r#"{"metadata":null,"id":"cus_1"}"#),
            (
                "-addresses",
                r#"{"id":"cus_1","email":"e","company_name":null,"metadata":null,"created_at":"d"}"#,
            ),
            ("email,-id", r#"{"email":"e","id":"cus_1"}"#),
        ];
        for (fields, expected) in cases {
            assert_eq!(
                project(&customer(), Some(fields)).to_json(),
                expected,
                "{fields:?}"
            );
        }
        assert_eq!(project(&customer(), None), customer());
    }

    #[test]
    fn jsonb_orders_keys_and_metadata_merges() {
        // The recorded server's answer to `{"zz":{"y":1,"x":2},"a":1,"bbb":null,"cc":""}`.
        let stored = jsonb(parse(r#"{"zz":{"y":1,"x":2},"a":1,"bbb":null,"cc":""}"#).unwrap());
        assert_eq!(
            stored.to_json(),
            r#"{"a":1,"cc":"","zz":{"x":2,"y":1},"bbb":null}"#
        );
        let merged = merge_metadata(&stored, &parse(r#"{"a":"","new":[3]}"#).unwrap());
        assert_eq!(
            merged.to_json(),
            r#"{"cc":"","zz":{"x":2,"y":1},"bbb":null,"new":[3]}"#
        );
        assert_eq!(merge_metadata(&stored, &Js::Null), Js::Null);
        assert_eq!(
            merge_metadata(&Js::Null, &parse(r#"{"q":1}"#).unwrap()).to_json(),
            r#"{"q":1}"#
        );
    }
}
