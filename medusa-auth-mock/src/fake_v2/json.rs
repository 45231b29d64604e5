//! JSON as Node sees it: `JSON.parse` with V8's exact error messages (body-parser
//! sends them back in its 400 answers), objects keeping JavaScript's key order,
//! `JSON.stringify`'s output and `String(value)` (which zod's messages quote).
//!
//! The parser is iterative. Containers nested deeper than [`MAX_DEPTH`] are still
//! checked for syntax (so errors read as V8's) but kept as `null`.

use std::fmt::Write as _;

/// Containers deeper than this are syntax-checked but not kept.
pub(crate) const MAX_DEPTH: usize = 256;

/// A JSON value with objects in JavaScript's key order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Js {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Js>),
    Object(Vec<(String, Js)>),
}

impl From<&str> for Js {
    fn from(text: &str) -> Self {
        Js::String(text.to_owned())
    }
}

impl From<String> for Js {
    fn from(text: String) -> Self {
        Js::String(text)
    }
}

impl From<bool> for Js {
    fn from(value: bool) -> Self {
        Js::Bool(value)
    }
}

impl From<u64> for Js {
    fn from(value: u64) -> Self {
        Js::Number(value as f64)
    }
}

impl<T: Into<Js>> From<Option<T>> for Js {
    fn from(value: Option<T>) -> Self {
        value.map_or(Js::Null, Into::into)
    }
}

impl Js {
    /// An object of `entries`, in their order (keys are the fake's own: no
    /// re-ordering needed).
    pub(crate) fn object<const N: usize>(entries: [(&str, Js); N]) -> Js {
        Js::Object(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }

    /// The empty object.
    pub(crate) fn empty_object() -> Js {
        Js::Object(Vec::new())
    }

    /// `value[key]` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Js> {
        match self {
            Js::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Js::String(text) => Some(text),
            _ => None,
        }
    }

    /// A string that is not empty (`value && isString(value)`).
    pub(crate) fn non_empty_str(&self) -> Option<&str> {
        self.as_str().filter(|s| !s.is_empty())
    }

    /// JavaScript truthiness.
    pub(crate) fn truthy(&self) -> bool {
        match self {
            Js::Null => false,
            Js::Bool(b) => *b,
            Js::Number(n) => *n != 0.0 && !n.is_nan(),
            Js::String(s) => !s.is_empty(),
            Js::Array(_) | Js::Object(_) => true,
        }
    }

    /// Sets `key` as a JavaScript assignment does: in place when it exists, else in
    /// key order (array indices first, ascending, then insertion order).
    pub(crate) fn insert(&mut self, key: &str, value: Js) {
        if let Js::Object(entries) = self {
            insert(entries, key.to_owned(), value);
        }
    }

    /// `JSON.stringify(value)`.
    pub(crate) fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Js::Null => out.push_str("null"),
            Js::Bool(true) => out.push_str("true"),
            Js::Bool(false) => out.push_str("false"),
            Js::Number(n) if n.is_finite() => out.push_str(&js_number(*n)),
            Js::Number(_) => out.push_str("null"),
            Js::String(text) => write_string(text, out),
            Js::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Js::Object(entries) => {
                out.push('{');
                for (index, (key, value)) in entries.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    write_string(key, out);
                    out.push(':');
                    value.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// `String(value)`, as zod's messages show a received value: arrays joined with
    /// `,` (`null` items empty), objects `[object Object]`.
    pub(crate) fn js_string(&self) -> String {
        match self {
            Js::Null => "null".to_owned(),
            Js::Bool(b) => b.to_string(),
            Js::Number(n) => js_number(*n),
            Js::String(text) => text.clone(),
            Js::Array(items) => items
                .iter()
                .map(|item| match item {
                    Js::Null => String::new(),
                    other => other.js_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
            Js::Object(_) => "[object Object]".to_owned(),
        }
    }

    /// Whether the value is an object (what `z.record` and a JWT payload need).
    pub(crate) fn is_record(&self) -> bool {
        matches!(self, Js::Object(_))
    }
}

/// Whether `key` is an array index (`ToString(ToUint32(key)) === key`, below 2³² − 1).
fn array_index(key: &str) -> Option<u32> {
    let index: u32 = key.parse().ok()?;
    (index != u32::MAX && index.to_string() == key).then_some(index)
}

fn insert(entries: &mut Vec<(String, Js)>, key: String, value: Js) {
    if let Some(entry) = entries.iter_mut().find(|(k, _)| *k == key) {
        entry.1 = value;
        return;
    }
    match array_index(&key) {
        Some(index) => {
            let at = entries
                .iter()
                .position(|(k, _)| array_index(k).is_none_or(|other| other > index))
                .unwrap_or(entries.len());
            entries.insert(at, (key, value));
        }
        None => entries.push((key, value)),
    }
}

/// `JSON.stringify` of a string.
fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `Number.prototype.toString()`: the shortest digits that round-trip, in fixed
/// notation from 1e-6 to 1e21, exponential (`1e+21`, `1.5e-7`) outside.
pub(crate) fn js_number(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if value == 0.0 {
        return "0".to_owned();
    }
    if value < 0.0 {
        return format!("-{}", js_number(-value));
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `d[.ddd]e<exp>`.
    let formatted = format!("{value:e}");
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let k = digits.len() as i32;
    let n = exponent + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let sign = if e >= 0 { '+' } else { '-' };
        let (first, rest) = digits.split_at(1);
        if rest.is_empty() {
            format!("{first}e{sign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{sign}{}", e.abs())
        }
    }
}

/// V8's `JSON.parse`: the value, or the message of the `SyntaxError` it throws.
pub(crate) fn parse(text: &str) -> Result<Js, String> {
    let units: Vec<u16> = text.encode_utf16().collect();
    Parser { units, pos: 0 }.parse()
}

/// What V8 says, and where (a UTF-16 offset).
enum Fault {
    /// `Unexpected end of JSON input`, or an unexpected token with context.
    Generic,
    UnexpectedNumber,
    /// Something after the value.
    Trailing,
    Message(&'static str),
}

const EXPECTED_PROPERTY_OR_BRACE: &str = "Expected property name or '}'";
const EXPECTED_COMMA_OR_BRACKET: &str = "Expected ',' or ']' after array element";
const EXPECTED_COMMA_OR_BRACE: &str = "Expected ',' or '}' after property value";
const EXPECTED_COLON: &str = "Expected ':' after property name";
const EXPECTED_QUOTED_PROPERTY: &str = "Expected double-quoted property name";
const EXPONENT_MISSING: &str = "Exponent part is missing a number";
const UNTERMINATED_FRACTION: &str = "Unterminated fractional number";
const NO_NUMBER_AFTER_MINUS: &str = "No number after minus sign";
const BAD_CONTROL: &str = "Bad control character in string literal";
const BAD_UNICODE: &str = "Bad Unicode escape";
const BAD_ESCAPE: &str = "Bad escaped character";
const UNTERMINATED_STRING: &str = "Unterminated string";

/// The context V8 quotes around an unexpected token: the whole source up to 20
/// UTF-16 units, else 10 units on each side of it.
const CONTEXT: usize = 10;

/// One open container.
enum Frame {
    Array(Vec<Js>),
    /// The entries so far and the key whose value is being read.
    Object(ObjectBuilder, String),
    /// Too deep to keep: checked, then `null`.
    SkippedArray,
    SkippedObject,
}

/// An object being read: entries in insertion order, found by key in constant
/// time (a body may hold thousands of keys).
#[derive(Default)]
struct ObjectBuilder {
    entries: Vec<(String, Js)>,
    index: std::collections::HashMap<String, usize>,
}

impl ObjectBuilder {
    /// A repeated key keeps its first place and takes the last value.
    fn set(&mut self, key: String, value: Js) {
        match self.index.get(&key) {
            Some(&at) => self.entries[at].1 = value,
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    /// The object in JavaScript's key order: array indices first, ascending.
    fn finish(self) -> Js {
        let (mut indices, others): (Vec<_>, Vec<_>) = self
            .entries
            .into_iter()
            .partition(|(key, _)| array_index(key).is_some());
        indices.sort_by_key(|(key, _)| array_index(key));
        indices.extend(others);
        Js::Object(indices)
    }
}

struct Parser {
    units: Vec<u16>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<u16> {
        self.units.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(0x20 | 0x09 | 0x0A | 0x0D)) {
            self.pos += 1;
        }
    }

    fn fail<T>(&self, fault: Fault) -> Result<T, String> {
        Err(self.message(fault))
    }

    fn message(&self, fault: Fault) -> String {
        let pos = self.pos;
        match fault {
            Fault::Message(text) => format!("{text} in JSON at position {pos}"),
            Fault::UnexpectedNumber => format!("Unexpected number in JSON at position {pos}"),
            Fault::Trailing => {
                format!("Unexpected non-whitespace character after JSON at position {pos}")
            }
            Fault::Generic => unexpected_token(&self.units, pos),
        }
    }

    fn parse(mut self) -> Result<Js, String> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            // A value is expected here.
            self.skip_whitespace();
            let mut value = match self.peek() {
                None => return self.fail(Fault::Generic),
                Some(0x7B) => {
                    // `{`
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(0x7D) {
                        self.pos += 1;
                        Js::Object(Vec::new())
                    } else if self.peek() == Some(0x22) {
                        let key = self.string()?;
                        self.colon()?;
                        stack.push(if stack.len() >= MAX_DEPTH {
                            Frame::SkippedObject
                        } else {
                            Frame::Object(ObjectBuilder::default(), key)
                        });
                        continue 'value;
                    } else {
                        return self.fail(Fault::Message(EXPECTED_PROPERTY_OR_BRACE));
                    }
                }
                Some(0x5B) => {
                    // `[`
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(0x5D) {
                        self.pos += 1;
                        Js::Array(Vec::new())
                    } else {
                        stack.push(if stack.len() >= MAX_DEPTH {
                            Frame::SkippedArray
                        } else {
                            Frame::Array(Vec::new())
                        });
                        continue 'value;
                    }
                }
                Some(0x22) => Js::String(self.string()?),
                Some(0x2D | 0x30..=0x39) => Js::Number(self.number()?),
                Some(0x74) => self.literal("true", Js::Bool(true))?,
                Some(0x66) => self.literal("false", Js::Bool(false))?,
                Some(0x6E) => self.literal("null", Js::Null)?,
                Some(_) => return self.fail(Fault::Generic),
            };
            // The value is complete: hand it to its container, closing as many
            // containers as end here.
            loop {
                let Some(frame) = stack.last_mut() else {
                    self.skip_whitespace();
                    if self.peek().is_some() {
                        return self.fail(Fault::Trailing);
                    }
                    return Ok(value);
                };
                match frame {
                    Frame::Array(items) => items.push(value),
                    Frame::Object(entries, key) => entries.set(std::mem::take(key), value),
                    Frame::SkippedArray | Frame::SkippedObject => {}
                }
                self.skip_whitespace();
                let is_array = matches!(frame, Frame::Array(_) | Frame::SkippedArray);
                match (self.peek(), is_array) {
                    (Some(0x2C), true) => {
                        self.pos += 1;
                        continue 'value;
                    }
                    (Some(0x2C), false) => {
                        self.pos += 1;
                        self.skip_whitespace();
                        if self.peek() != Some(0x22) {
                            return self.fail(Fault::Message(EXPECTED_QUOTED_PROPERTY));
                        }
                        let next = self.string()?;
                        self.colon()?;
                        if let Some(Frame::Object(_, key)) = stack.last_mut() {
                            *key = next;
                        }
                        continue 'value;
                    }
                    (Some(0x5D), true) | (Some(0x7D), false) => {
                        self.pos += 1;
                        value = match stack.pop() {
                            Some(Frame::Array(items)) => Js::Array(items),
                            Some(Frame::Object(entries, _)) => entries.finish(),
                            _ => Js::Null,
                        };
                    }
                    (_, true) => return self.fail(Fault::Message(EXPECTED_COMMA_OR_BRACKET)),
                    (_, false) => return self.fail(Fault::Message(EXPECTED_COMMA_OR_BRACE)),
                }
            }
        }
    }

    fn colon(&mut self) -> Result<(), String> {
        self.skip_whitespace();
        if self.peek() != Some(0x3A) {
            return self.fail(Fault::Message(EXPECTED_COLON));
        }
        self.pos += 1;
        Ok(())
    }

    /// A string; the cursor is on its opening quote.
    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out: Vec<u16> = Vec::new();
        loop {
            let Some(unit) = self.peek() else {
                return self.fail(Fault::Message(UNTERMINATED_STRING));
            };
            match unit {
                0x22 => {
                    self.pos += 1;
                    return Ok(String::from_utf16_lossy(&out));
                }
                0x5C => {
                    self.pos += 1;
                    let Some(escaped) = self.peek() else {
                        return self.fail(Fault::Generic);
                    };
                    let plain = match escaped {
                        0x22 => Some(0x22),
                        0x5C => Some(0x5C),
                        0x2F => Some(0x2F),
                        0x62 => Some(0x08),
                        0x66 => Some(0x0C),
                        0x6E => Some(0x0A),
                        0x72 => Some(0x0D),
                        0x74 => Some(0x09),
                        0x75 => None,
                        _ => return self.fail(Fault::Message(BAD_ESCAPE)),
                    };
                    self.pos += 1;
                    match plain {
                        Some(unit) => out.push(unit),
                        None => {
                            let mut code: u16 = 0;
                            for _ in 0..4 {
                                let digit = self
                                    .peek()
                                    .and_then(|u| char::from_u32(u32::from(u)))
                                    .and_then(|c| c.to_digit(16));
                                let Some(digit) = digit else {
                                    return self.fail(Fault::Message(BAD_UNICODE));
                                };
                                code = code * 16 + digit as u16;
                                self.pos += 1;
                            }
                            out.push(code);
                        }
                    }
                }
                0x00..=0x1F => return self.fail(Fault::Message(BAD_CONTROL)),
                _ => {
                    out.push(unit);
                    self.pos += 1;
                }
            }
        }
    }

    fn digit(&self) -> bool {
        matches!(self.peek(), Some(0x30..=0x39))
    }

    fn digits(&mut self) {
        while self.digit() {
            self.pos += 1;
        }
    }

    /// A number; the cursor is on its first character (`-` or a digit).
    fn number(&mut self) -> Result<f64, String> {
        let start = self.pos;
        if self.peek() == Some(0x2D) {
            self.pos += 1;
        }
        if self.peek() == Some(0x30) {
            self.pos += 1;
            if self.digit() {
                return self.fail(Fault::UnexpectedNumber);
            }
        } else if self.digit() {
            self.digits();
        } else {
            return self.fail(Fault::Message(NO_NUMBER_AFTER_MINUS));
        }
        if self.peek() == Some(0x2E) {
            self.pos += 1;
            if !self.digit() {
                return self.fail(Fault::Message(UNTERMINATED_FRACTION));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(0x65 | 0x45)) {
            self.pos += 1;
            if matches!(self.peek(), Some(0x2B | 0x2D)) {
                self.pos += 1;
            }
            if !self.digit() {
                return self.fail(Fault::Message(EXPONENT_MISSING));
            }
            self.digits();
        }
        // The lexeme is ASCII: one byte per unit.
        let lexeme: String = self.units[start..self.pos]
            .iter()
            .map(|&u| char::from(u as u8))
            .collect();
        Ok(lexeme.parse::<f64>().unwrap_or(f64::NAN))
    }

    fn literal(&mut self, word: &str, value: Js) -> Result<Js, String> {
        for expected in word.bytes() {
            match self.peek() {
                None => return self.fail(Fault::Generic),
                Some(unit) if unit == u16::from(expected) => self.pos += 1,
                Some(_) => return self.fail(Fault::Generic),
            }
        }
        Ok(value)
    }
}

/// V8's message for the unit at `pos` (or the end of the input).
pub(crate) fn unexpected_token(units: &[u16], pos: usize) -> String {
    let Some(&unit) = units.get(pos) else {
        return "Unexpected end of JSON input".to_owned();
    };
    let token = String::from_utf16_lossy(&[unit]);
    let length = units.len();
    let text = |from: usize, to: usize| String::from_utf16_lossy(&units[from..to.min(length)]);
    if length <= 2 * CONTEXT {
        format!(
            "Unexpected token '{token}', \"{}\" is not valid JSON",
            text(0, length)
        )
    } else if pos < CONTEXT {
        format!(
            "Unexpected token '{token}', \"{}\"... is not valid JSON",
            text(0, pos + CONTEXT)
        )
    } else if pos < length - CONTEXT {
        format!(
            "Unexpected token '{token}', ...\"{}\"... is not valid JSON",
            text(pos - CONTEXT, pos + CONTEXT)
        )
    } else {
        format!(
            "Unexpected token '{token}', ...\"{}\" is not valid JSON",
            text(pos - CONTEXT, length)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        parse(text).unwrap_err()
    }

    #[test]
    fn messages_are_v8s() {
        // Each expected message was printed by `JSON.parse` on Node v20.20.2, the
        // recorded server's runtime.
        let cases = [
            (r#"{"email":"#, "Unexpected end of JSON input"),
            (
                r#"{"a":}"#,
                r#"Unexpected token '}', "{"a":}" is not valid JSON"#,
            ),
            (
                r#"{"a":1}x"#,
                "Unexpected non-whitespace character after JSON at position 7",
            ),
            ("   ", "Unexpected end of JSON input"),
            ("{", "Expected property name or '}' in JSON at position 1"),
            (
                r#"{"a" 1}"#,
                "Expected ':' after property name in JSON at position 5",
            ),
            (
                "{a:1}",
                "Expected property name or '}' in JSON at position 1",
            ),
            (
                r#"{"a":1,}"#,
                "Expected double-quoted property name in JSON at position 7",
            ),
            ("[1,]", r#"Unexpected token ']', "[1,]" is not valid JSON"#),
            (
                "[1 2]",
                "Expected ',' or ']' after array element in JSON at position 3",
            ),
            (
                "{\"a\":\"\u{1}\"}",
                "Bad control character in string literal in JSON at position 6",
            ),
            (
                r#"{"a":"\x"}"#,
                "Bad escaped character in JSON at position 7",
            ),
            (r#"{"a":"abc"#, "Unterminated string in JSON at position 9"),
            (
                r#"{"a":-}"#,
                "No number after minus sign in JSON at position 6",
            ),
            (
                r#"{"a":1.}"#,
                "Unterminated fractional number in JSON at position 7",
            ),
            (
                r#"{"a":1e}"#,
                "Exponent part is missing a number in JSON at position 7",
            ),
            (r#"{"a":01}"#, "Unexpected number in JSON at position 6"),
            (
                r#"{"a":tru}"#,
                r#"Unexpected token '}', "{"a":tru}" is not valid JSON"#,
            ),
            (
                r#"{"a":"\u12G4"}"#,
                "Bad Unicode escape in JSON at position 10",
            ),
            (
                r#"{"email":"admin@example.com","password":}"#,
                r#"Unexpected token '}', ..."password":}" is not valid JSON"#,
            ),
            (
                r#"{"a":[1,2,,3]}"#,
                r#"Unexpected token ',', "{"a":[1,2,,3]}" is not valid JSON"#,
            ),
            (
                "[1,1,1,1,1,1,1,1,1,x",
                r#"Unexpected token 'x', "[1,1,1,1,1,1,1,1,1,x" is not valid JSON"#,
            ),
            (
                "[1,1,1,1,1,1,1,1,1,x ",
                r#"Unexpected token 'x', ..."1,1,1,1,1,x " is not valid JSON"#,
            ),
            (
                "[[[[[[[[[x                                        ",
                r#"Unexpected token 'x', "[[[[[[[[[x         "... is not valid JSON"#,
            ),
            (
                "[[[[[[[[[[[[[[[x                                        ",
                r#"Unexpected token 'x', ..."[[[[[[[[[[x         "... is not valid JSON"#,
            ),
            ("[", "Unexpected end of JSON input"),
            (
                r#"{"a""#,
                "Expected ':' after property name in JSON at position 4",
            ),
            (
                r#"{"a":1"#,
                "Expected ',' or '}' after property value in JSON at position 6",
            ),
            (
                "[1",
                "Expected ',' or ']' after array element in JSON at position 2",
            ),
            (r#""\u12"#, "Bad Unicode escape in JSON at position 5"),
            (r#""\"#, "Unexpected end of JSON input"),
            ("-", "No number after minus sign in JSON at position 1"),
            ("1.", "Unterminated fractional number in JSON at position 2"),
            (
                "1e+",
                "Exponent part is missing a number in JSON at position 3",
            ),
            (
                r#"{"a":1,"b""#,
                "Expected ':' after property name in JSON at position 10",
            ),
            (
                r#"{"a":1,"#,
                "Expected double-quoted property name in JSON at position 7",
            ),
            (r#"{"a":-01}"#, "Unexpected number in JSON at position 7"),
            (
                "[1]x",
                "Unexpected non-whitespace character after JSON at position 3",
            ),
            (r#"{"a":fals"#, "Unexpected end of JSON input"),
            (
                "\u{2028}{}",
                "Unexpected token '\u{2028}', \"\u{2028}{}\" is not valid JSON",
            ),
            (
                "{\"\u{1F600}\":x}",
                "Unexpected token 'x', \"{\"\u{1F600}\":x}\" is not valid JSON",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(error(input), expected, "{input:?}");
        }
    }

    #[test]
    fn values_keep_javascript_key_order() {
        let value = parse(r#"{"b":1,"2":true,"a":[null,"x"],"1":{},"b":2}"#).unwrap();
        assert_eq!(value.to_json(), r#"{"1":{},"2":true,"b":2,"a":[null,"x"]}"#);
        let value = parse(" [1.5, -0, 1e21, 1e-7, 123e-2, 0.000001, 1e999] ").unwrap();
        assert_eq!(value.to_json(), "[1.5,0,1e+21,1e-7,1.23,0.000001,null]");
        let value = parse(r#""a\u00e9\n\u0001\"\\/""#).unwrap();
        assert_eq!(value, Js::String("aé\n\u{1}\"\\/".into()));
        assert_eq!(value.to_json(), r#""aé\n\u0001\"\\/""#);
    }

    #[test]
    fn strings_of_values_are_javascripts() {
        let value = parse(r#"[42, [1,2], {}, null, true, "x", [null, [3]], 1.5]"#).unwrap();
        let Js::Array(items) = value else { panic!() };
        let shown: Vec<String> = items.iter().map(Js::js_string).collect();
        assert_eq!(
            shown,
            [
                "42",
                "1,2",
                "[object Object]",
                "null",
                "true",
                "x",
                ",3",
                "1.5"
            ]
        );
        assert_eq!(js_number(100.0), "100");
        assert_eq!(js_number(1e21), "1e+21");
        assert_eq!(js_number(123456789012345680000.0), "123456789012345680000");
        assert_eq!(js_number(0.1), "0.1");
        assert_eq!(js_number(-2.5e-8), "-2.5e-8");
    }

    #[test]
    fn deep_values_are_checked_not_kept() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let value = parse(&deep).unwrap();
        assert_eq!(value.to_json().len(), 2 * MAX_DEPTH + 4);
        let open = "[".repeat(100_000);
        assert_eq!(error(&open), "Unexpected end of JSON input");
        let wrong = format!("{}}}", "{\"a\":".repeat(10_000));
        assert!(error(&wrong).starts_with("Unexpected token '}'"));
        // Many keys read in linear time.
        let many: Vec<String> = (0..20_000).map(|i| format!("\"k{i}\":{i}")).collect();
        let value = parse(&format!("{{{}}}", many.join(","))).unwrap();
        assert_eq!(value.get("k19999"), Some(&Js::Number(19_999.0)));
    }
}
