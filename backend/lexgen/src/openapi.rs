//! Emits `openapi/openapi.json` (OpenAPI 3.1): one path per XRPC method,
//! component schemas for every Lexicon definition, and the XRPC error body.
//! The document is assembled as JSON and passed through utoipa's OpenAPI
//! model, which gives it its canonical shape and field order.

use anyhow::{Context, anyhow};
use serde_json::{Map, Value, json};

use crate::schema::{Corpus, Def, Method, Object};

/// Name of a component schema: the NSID, plus `.def` for non-main definitions.
fn schema_name(id: &str, def: &str) -> String {
    if def == "main" { id.to_owned() } else { format!("{id}.{def}") }
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn describe(parts: Vec<String>) -> Option<String> {
    let text = parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// JSON Schema of a field or definition.
fn schema(corpus: &Corpus, id: &str, def: &Def) -> anyhow::Result<Value> {
    let mut s = Map::new();
    match def {
        Def::String(t) => {
            s.insert("type".into(), json!("string"));
            if let Some(f) = &t.format {
                let openapi_format = match f.as_str() {
                    "datetime" => "date-time",
                    other => other,
                };
                s.insert("format".into(), json!(openapi_format));
            }
            // Lexicon maxLength counts UTF-8 bytes; JSON Schema counts characters,
            // never more than bytes, so the same number is a sound (looser) bound.
            if let Some(n) = t.max_length {
                s.insert("maxLength".into(), json!(n));
            }
            if let Some(n) = t.min_graphemes.or(t.min_length) {
                s.insert("minLength".into(), json!(n));
            }
            if let Some(values) = &t.enumeration {
                s.insert("enum".into(), json!(values));
            }
            if let Some(d) = &t.default {
                s.insert("default".into(), json!(d));
            }
            if let Some(c) = &t.constant {
                s.insert("const".into(), json!(c));
            }
            let mut notes = vec![t.description.clone().unwrap_or_default()];
            if !t.known_values.is_empty() {
                notes.push(format!("Known values: {}.", t.known_values.join(", ")));
            }
            if let Some(n) = t.max_graphemes {
                notes.push(format!("At most {n} graphemes."));
            }
            if let Some(n) = t.max_length {
                notes.push(format!("At most {n} bytes of UTF-8."));
            }
            if let Some(d) = describe(notes) {
                s.insert("description".into(), json!(d));
            }
            return Ok(Value::Object(s));
        }
        Def::Integer(t) => {
            s.insert("type".into(), json!("integer"));
            s.insert("format".into(), json!("int64"));
            if let Some(n) = t.minimum {
                s.insert("minimum".into(), json!(n));
            }
            if let Some(n) = t.maximum {
                s.insert("maximum".into(), json!(n));
            }
            if let Some(values) = &t.enumeration {
                s.insert("enum".into(), json!(values));
            }
            if let Some(d) = t.default {
                s.insert("default".into(), json!(d));
            }
        }
        Def::Boolean(t) => {
            s.insert("type".into(), json!("boolean"));
            if let Some(d) = t.default {
                s.insert("default".into(), json!(d));
            }
        }
        Def::Array(a) => {
            s.insert("type".into(), json!("array"));
            s.insert("items".into(), schema(corpus, id, &a.items)?);
            if let Some(n) = a.min_length {
                s.insert("minItems".into(), json!(n));
            }
            if let Some(n) = a.max_length {
                s.insert("maxItems".into(), json!(n));
            }
        }
        Def::Ref(r) => {
            let (target_id, target_name, _) =
                corpus.resolve(id, &r.target).ok_or_else(|| anyhow!("unresolved ref {}", r.target))?;
            return Ok(reference(&schema_name(target_id, target_name)));
        }
        Def::Object(o) => return object(corpus, id, o),
        Def::Record(r) => return object(corpus, id, r.record.object()),
        Def::Unknown(_) => {
            s.insert("type".into(), json!("object"));
        }
        other => return Err(anyhow!("{id}: {other:?} has no OpenAPI mapping yet")),
    }
    if let Some(d) = def.description() {
        s.insert("description".into(), json!(d));
    }
    Ok(Value::Object(s))
}

fn object(corpus: &Corpus, id: &str, o: &Object) -> anyhow::Result<Value> {
    let mut properties = Map::new();
    for (name, def) in &o.properties {
        properties.insert(name.clone(), schema(corpus, id, def)?);
    }
    let mut s = json!({ "type": "object", "properties": properties });
    if !o.required.is_empty() {
        s["required"] = json!(o.required);
    }
    if let Some(d) = &o.description {
        s["description"] = json!(d);
    }
    Ok(s)
}

fn body_schema(
    corpus: &Corpus,
    id: &str,
    schemas: &mut Map<String, Value>,
    suffix: &str,
    def: Option<&Def>,
) -> anyhow::Result<Option<Value>> {
    let Some(def) = def else { return Ok(None) };
    let name = format!("{id}.{suffix}");
    schemas.insert(name.clone(), schema(corpus, id, def)?);
    Ok(Some(reference(&name)))
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": reference("XrpcError") } }
    })
}

fn operation(
    corpus: &Corpus,
    id: &str,
    method: &Method,
    query: bool,
    schemas: &mut Map<String, Value>,
) -> anyhow::Result<Value> {
    let group = id.rsplit_once('.').map_or(id, |(g, _)| g);
    let mut op = json!({
        "operationId": id,
        "tags": [group],
        "summary": method.description.clone().unwrap_or_default().lines().next().unwrap_or_default(),
    });
    if let Some(d) = &method.description {
        op["description"] = json!(d);
    }
    if let Some(params) = &method.parameters {
        let params = params.object();
        let mut list = Vec::new();
        for (name, def) in &params.properties {
            let mut p = json!({
                "name": name,
                "in": "query",
                "required": params.required.contains(name),
                "schema": schema(corpus, id, def)?,
            });
            if let Some(d) = def.description() {
                p["description"] = json!(d);
            }
            if matches!(def, Def::Array(_)) {
                p["style"] = json!("form");
                p["explode"] = json!(true);
            }
            list.push(p);
        }
        op["parameters"] = json!(list);
    }
    if let Some(input) = &method.input
        && let Some(r) = body_schema(corpus, id, schemas, "Input", input.schema.as_deref())?
    {
        op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": r } } });
    }
    let mut responses = Map::new();
    let ok = match &method.output {
        Some(output) => match body_schema(corpus, id, schemas, "Output", output.schema.as_deref())? {
            Some(r) => json!({ "description": "OK", "content": { "application/json": { "schema": r } } }),
            None => json!({ "description": "OK" }),
        },
        None => json!({ "description": "OK, no body" }),
    };
    responses.insert("200".into(), ok);
    let names: Vec<String> = method
        .errors
        .iter()
        .map(|e| match &e.description {
            Some(d) => format!("`{}`: {d}", e.name),
            None => format!("`{}`", e.name),
        })
        .collect();
    let invalid = if names.is_empty() {
        "InvalidRequest: a parameter or the body breaks the Lexicon.".to_owned()
    } else {
        format!(
            "InvalidRequest: a parameter or the body breaks the Lexicon. Method errors: {}",
            names.join("; ")
        )
    };
    responses.insert("400".into(), error_response(&invalid));
    responses.insert("401".into(), error_response("AuthRequired: sign in first."));
    responses.insert("403".into(), error_response("Forbidden: the viewer may not do this."));
    responses.insert("404".into(), error_response("NotFound, or a method error naming what was not found."));
    if !query {
        responses
            .insert("413".into(), error_response("PayloadTooLarge: the body is over the server's limit."));
    }
    responses.insert("500".into(), error_response("InternalServerError."));
    responses.insert("502".into(), error_response("UpstreamFailure: the PDS or another service failed."));
    op["responses"] = Value::Object(responses);
    Ok(op)
}

/// The JSON Schemas of a method as an MCP tool shows them: its input (the
/// query's parameters as one object, or the procedure's body; an empty
/// object when it takes none) and its output, if any. Each is
/// self-contained: the definitions it references are inlined under `$defs`.
pub fn tool_schemas(
    corpus: &Corpus,
    id: &str,
    method: &Method,
    query: bool,
) -> anyhow::Result<(String, Option<String>)> {
    let input = if query {
        match &method.parameters {
            Some(params) => object(corpus, id, params.object())?,
            None => json!({ "type": "object", "properties": {} }),
        }
    } else {
        match method.input.as_ref().and_then(|i| i.schema.as_deref()) {
            Some(def) => schema(corpus, id, def)?,
            None => json!({ "type": "object", "properties": {} }),
        }
    };
    let output = match method.output.as_ref().and_then(|o| o.schema.as_deref()) {
        Some(def) => Some(self_contained(corpus, schema(corpus, id, def)?)?.to_string()),
        None => None,
    };
    Ok((self_contained(corpus, input)?.to_string(), output))
}

/// Rewrites `#/components/schemas/X` references to `#/$defs/X`, with every
/// definition they reach (transitively) added under `$defs`.
fn self_contained(corpus: &Corpus, mut root: Value) -> anyhow::Result<Value> {
    fn rewrite(value: &mut Value, wanted: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get_mut("$ref")
                    && let Some(name) = target.strip_prefix("#/components/schemas/").map(str::to_owned)
                {
                    *target = format!("#/$defs/{name}");
                    wanted.push(name);
                }
                map.values_mut().for_each(|v| rewrite(v, wanted));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, wanted)),
            _ => {}
        }
    }
    let mut wanted = Vec::new();
    rewrite(&mut root, &mut wanted);
    let mut defs = Map::new();
    while let Some(name) = wanted.pop() {
        if defs.contains_key(&name) {
            continue;
        }
        let (doc_id, def_name) = match name.rsplit_once('.') {
            Some((doc_id, def_name)) if !corpus.docs.contains_key(&name) => {
                (doc_id.to_owned(), def_name.to_owned())
            }
            _ => (name.clone(), "main".to_owned()),
        };
        let def = corpus
            .docs
            .get(&doc_id)
            .and_then(|doc| doc.defs.get(&def_name))
            .ok_or_else(|| anyhow!("unresolved schema {name}"))?;
        let mut target = schema(corpus, &doc_id, def)?;
        rewrite(&mut target, &mut wanted);
        defs.insert(name, target);
    }
    if !defs.is_empty() {
        root["$defs"] = Value::Object(defs);
    }
    Ok(root)
}

/// The OpenAPI document, pretty JSON with a trailing newline.
pub fn generate(corpus: &Corpus, version: &str) -> anyhow::Result<String> {
    let mut schemas = Map::new();
    let mut paths = Map::new();
    for (id, doc) in &corpus.docs {
        for (name, def) in &doc.defs {
            match def {
                Def::Query(m) | Def::Procedure(m) => {
                    let query = matches!(def, Def::Query(_));
                    let op = operation(corpus, id, m, query, &mut schemas).with_context(|| id.clone())?;
                    let verb = if query { "get" } else { "post" };
                    paths.insert(format!("/xrpc/{id}"), json!({ verb: op }));
                }
                Def::Token(_) => {}
                other => {
                    schemas.insert(
                        schema_name(id, name),
                        schema(corpus, id, other).with_context(|| format!("{id}#{name}"))?,
                    );
                }
            }
        }
    }
    schemas.insert(
        "XrpcError".into(),
        json!({
            "type": "object",
            "description": "The body of every XRPC error response.",
            "required": ["error", "message"],
            "properties": {
                "error": { "type": "string", "description": "Error name, e.g. InvalidRequest or a method error." },
                "message": { "type": "string", "description": "What went wrong, for people." }
            }
        }),
    );
    let doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Exosphere XRPC API",
            "version": version,
            "description": "XRPC methods of an Exosphere server, generated from its Lexicons. Queries are GET with query parameters, procedures POST with JSON bodies; errors are {\"error\", \"message\"} JSON.",
            "license": { "name": "MIT", "identifier": "MIT" }
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "serviceAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "An atproto service-auth token from the caller's PDS (com.atproto.server.getServiceAuth with aud = this server's service DID, from /.well-known/did.json, and lxm = the method's NSID); one token per call."
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "sid",
                    "description": "The browser session of an OAuth sign-in at /oauth/login."
                }
            }
        },
        // Anonymous calls are fine for public data; either credential makes the caller its person.
        "security": [{}, { "serviceAuth": [] }, { "session": [] }],
    });
    let api: utoipa::openapi::OpenApi =
        serde_json::from_value(doc).context("the generated document does not fit utoipa's OpenAPI model")?;
    let mut text = api.to_pretty_json().context("serializing the OpenAPI document")?;
    text.push('\n');
    Ok(text)
}
