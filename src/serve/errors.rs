//! Every error the server answers is JSON `{"error": {"kind", "message"}}` with the status that
//! says whose fault it was: 400 bad input, 401 no or wrong key, 413 too large, 503 busy /
//! loading / shutting down / timed out, 500 ours.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
    /// Seconds for `Retry-After` (503 only).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_input", message)
    }

    /// Bad input found by the pipeline's own checks, whose messages speak to a shell user
    /// (`--target`, "give a file"): reworded to name the request's fields, since the web page
    /// shows the message as it is.
    pub fn bad_pipeline_input(message: &str) -> Self {
        Self::bad_input(in_request_terms(message))
    }

    pub fn unavailable(kind: &'static str, message: impl Into<String>, retry: u64) -> Self {
        Self {
            retry_after: Some(retry),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, kind, message)
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// The JSON body, also used as a line of a streamed response.
    pub fn body(&self) -> serde_json::Value {
        json!({"error": {"kind": self.kind, "message": self.message}})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, axum::Json(self.body())).into_response();
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

/// The error kind for a status that a layer or axum itself answered.
fn kind_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => "bad_input",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "bad_input",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => "timeout",
        _ if status.is_server_error() => "internal",
        _ => "bad_input",
    }
}

/// Rewrites error answers that did not come from brief's handlers (axum's rejections, the
/// body-limit and timeout layers: plain text) into the JSON error shape. Axum's 422 for a body
/// that is JSON of the wrong shape becomes 400 like any other bad input; a timeout becomes 503.
pub async fn json_errors(res: Response) -> Response {
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    let kind = kind_of(status);
    let (status, message) = match status {
        StatusCode::UNPROCESSABLE_ENTITY => (StatusCode::BAD_REQUEST, text),
        StatusCode::REQUEST_TIMEOUT => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the request took longer than the server's --timeout".to_string(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            status,
            "the request body is larger than the server's --max-body-kib".to_string(),
        ),
        _ if text.is_empty() => (
            status,
            status.canonical_reason().unwrap_or("error").to_string(),
        ),
        _ => (status, text),
    };
    let mut e = ApiError::new(status, kind, message);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        e.retry_after = Some(5);
    }
    e.into_response()
}

/// The shell's words in the pipeline's input errors and a request's words for the same, in the
/// order they are replaced (longer phrases before the flags they contain).
const REQUEST_TERMS: &[(&str, &str)] = &[
    ("article request: ", "text: "),
    (
        "give a file with the article text",
        "send the article in \"text\"",
    ),
    ("give a plain-text UTF-8 file", "send plain text"),
    ("give a plain-text file", "send plain text"),
    (
        "e.g. --target \"the coup\"",
        "e.g. \"target\": \"the coup\"",
    ),
    (
        "e.g. --actor \"United States=US,Washington\"",
        "e.g. \"actors\": [\"United States=US,Washington\"]",
    ),
    ("pass --target TEXT", "send \"target\""),
    ("--target", "target"),
    ("--actor", "actor"),
];

fn in_request_terms(message: &str) -> String {
    REQUEST_TERMS
        .iter()
        .fold(message.to_string(), |m, (shell, request)| {
            m.replace(shell, request)
        })
}

#[cfg(test)]
mod tests {
    use super::in_request_terms;
    use crate::article::Article;
    use crate::pipeline::check_stance_inputs;

    #[test]
    fn pipeline_input_errors_name_the_request_fields_not_flags_or_files() {
        let empty = Article::from_bytes("request", b"  ")
            .unwrap_err()
            .to_string();
        let a = Article::from_text("request", "France condemned the coup.");
        let target = check_stance_inputs(&a, &[], Some("?!"))
            .unwrap_err()
            .to_string();
        let absent = check_stance_inputs(&a, &["Atlantis".into()], None)
            .unwrap_err()
            .to_string();
        let nameless = check_stance_inputs(&a, &["=US".into()], None)
            .unwrap_err()
            .to_string();
        for message in [&empty, &target, &absent, &nameless] {
            let reworded = in_request_terms(message);
            assert!(
                !reworded.contains("--") && !reworded.contains("file"),
                "{reworded}"
            );
        }
        assert_eq!(
            in_request_terms(&empty),
            "text: is empty; send the article in \"text\""
        );
        assert!(in_request_terms(&absent).starts_with("actor 'Atlantis' does not occur"));
        assert!(in_request_terms(&target).contains("e.g. \"target\": \"the coup\""));
        assert!(in_request_terms(&nameless).contains("[\"United States=US,Washington\"]"));
        let derived = "the stance target is empty; pass --target TEXT";
        assert_eq!(
            in_request_terms(derived),
            "the stance target is empty; send \"target\""
        );
    }
}
