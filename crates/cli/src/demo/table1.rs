//! The demo's Tables 4-6: each a `table1(...)` query, printed as the session shows it and
//! kept as JSON (`table1.table4` ...) next to the detailed steps that fill `expected.json`'s
//! keys.
use crate::run::{Answer, Session};
use serde_json::Value;

/// A table section's `table1(...)` as the session prints it (`> call`, then the table) and
/// its JSON with the bytes the front node sent; a failure is recorded in `failed` and printed
/// as R prints an error.
pub(super) async fn table1_of(
    session: &Session,
    prelude: &str,
    call: &str,
    failed: &mut Vec<(String, String)>,
) -> Result<(String, Option<(Value, u64)>), String> {
    let mut text = format!("> {call}\n");
    match session.query(prelude, call).await? {
        Answer::Done {
            outputs,
            error: None,
            bytes_sent,
            ..
        } if outputs.len() == 1 => {
            text.push_str(&crate::run::output_text(&outputs[0]));
            let sent = bytes_sent.as_u64().unwrap_or(0);
            Ok((text, Some((outputs[0].value.clone(), sent))))
        }
        Answer::Done {
            error: Some(message),
            ..
        }
        | Answer::Refused { message, .. } => {
            text.push_str(&crate::run::error_text(&message));
            failed.push((call.to_owned(), message));
            Ok((text, None))
        }
        Answer::Done { .. } => {
            failed.push((call.to_owned(), "no output".into()));
            Ok((text, None))
        }
    }
}
