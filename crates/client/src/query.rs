//! Running a query on the consortium, as `sharestat run`, `sharestat repl` and the local web
//! application do: a job (`{"kind": "query", "study", "prelude", "text"}`) submitted to one
//! node with the researcher's token, waited for, and read back as the statements' printed
//! outputs, or the node's reason for refusing it.
use serde_json::{Value, json};
use sharestat_wire::Client;
use sharestat_wire::client::{Method, StatusCode};

/// How long one request asks the node to wait for the job to finish (the node caps it).
const WAIT_SECS: u64 = 120;

/// One printed statement of a query.
#[derive(Debug, Clone)]
pub struct Output {
    /// The statement's source text.
    pub source: String,
    /// What R would print.
    pub text: String,
    /// The value as JSON.
    pub value: Value,
    /// What the reader must know about how the value was made (`Note: ...` lines).
    pub notes: Vec<String>,
}

/// What became of a query.
#[derive(Debug, Clone)]
pub enum Answer {
    /// It ran on the three nodes.
    Done {
        /// Job id.
        job: String,
        /// The printed statements, in order.
        outputs: Vec<Output>,
        /// Bytes this node sent to its peers.
        bytes_sent: Value,
        /// Communication rounds.
        communication_rounds: Value,
        /// The statement that stopped the script after the outputs above (Rscript's
        /// semantics: nothing after it ran).
        error: Option<String>,
    },
    /// It was refused (does not parse, would print private data, disclosure control, ...)
    /// or failed; `message` is the node's explanation.
    Refused {
        /// Job id, when the job got one.
        job: Option<String>,
        /// Why.
        message: String,
    },
}

/// Runs `text` after `prelude` (earlier lines of a session, replayed without printing) in
/// `study` on `node` (a client with the researcher's token) and waits for the outcome. `Err`
/// only when the node could not be reached or answered something unexpected.
pub async fn query(
    node: &Client,
    study: &str,
    prelude: &str,
    text: &str,
) -> Result<Answer, String> {
    let body = json!({"kind": "query", "study": study, "prelude": prelude, "text": text});
    let path = format!("/api/v1/jobs?wait_secs={WAIT_SECS}");
    let send = |method: Method, path: String, body: Option<Value>| async move {
        node.raw(method, &path, body.as_ref())
            .await
            .map_err(|e| e.to_string())
    };
    let (mut status, mut view) = send(Method::POST, path, Some(body)).await?;
    loop {
        if !status.is_success() {
            return Ok(Answer::Refused {
                job: None,
                message: problem_message(status, &view),
            });
        }
        let job = view["id"].as_str().map(str::to_owned);
        match view["state"].as_str() {
            Some("done") => return done(job.unwrap_or_default(), &view),
            Some("pending" | "running") => {
                let id =
                    job.ok_or_else(|| format!("the node answered a job without id: {view}"))?;
                let path = format!("/api/v1/jobs/{id}?wait_secs={WAIT_SECS}");
                (status, view) = send(Method::GET, path, None).await?;
            }
            Some("failed") => {
                let message = view["error"]
                    .as_str()
                    .filter(|e| !e.is_empty())
                    .unwrap_or("the job failed")
                    .to_owned();
                return Ok(Answer::Refused { job, message });
            }
            Some("cancelled") => {
                return Ok(Answer::Refused {
                    job,
                    message: "the job was cancelled".into(),
                });
            }
            _ => return Err(format!("unexpected answer from the node: {view}")),
        }
    }
}

/// The readable part of a problem document (`detail`, else `title`, else the body).
pub fn problem_message(status: StatusCode, body: &Value) -> String {
    for key in ["detail", "title"] {
        if let Some(s) = body[key].as_str().filter(|s| !s.trim().is_empty()) {
            return s.trim_end().to_owned();
        }
    }
    format!("the node answered {status}: {body}")
}

fn done(job: String, view: &Value) -> Result<Answer, String> {
    let result = &view["result"];
    let outputs = result["outputs"]
        .as_array()
        .ok_or_else(|| format!("the finished job {job} has no outputs: {view}"))?
        .iter()
        .map(|o| Output {
            source: o["source"].as_str().unwrap_or_default().to_owned(),
            text: o["text"].as_str().unwrap_or_default().to_owned(),
            value: o["value"].clone(),
            notes: o["notes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect(),
        })
        .collect();
    Ok(Answer::Done {
        job,
        outputs,
        bytes_sent: result["bytes_sent"].clone(),
        communication_rounds: result["communication_rounds"].clone(),
        error: result["error"].as_str().map(str::to_owned),
    })
}

/// The plot description of an output whose value is `{"plot": {"file", "kind", ...}}`.
pub fn plot_of(o: &Output) -> Option<&Value> {
    let obj = o.value.as_object().filter(|m| m.len() == 1)?;
    obj.get("plot")
        .filter(|p| p.get("kind").is_some() && p.get("file").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_show_their_detail() {
        let p = json!({"type": "x", "title": "Forbidden", "status": 403, "detail": "no role\n"});
        assert_eq!(problem_message(StatusCode::FORBIDDEN, &p), "no role");
        let p = json!({"title": "Forbidden", "detail": ""});
        assert_eq!(problem_message(StatusCode::FORBIDDEN, &p), "Forbidden");
        assert!(problem_message(StatusCode::BAD_GATEWAY, &json!("down")).contains("502"));
    }

    #[test]
    fn a_finished_job_gives_its_outputs() {
        let view = json!({"id": "ab", "state": "done", "result": {
            "outputs": [{"source": "length(x)", "text": "[1] 24", "value": 24}],
            "bytes_sent": 10, "communication_rounds": 2}});
        let Ok(Answer::Done { job, outputs, .. }) = done("ab".into(), &view) else {
            panic!()
        };
        assert_eq!(job, "ab");
        assert_eq!(outputs[0].text, "[1] 24");
        assert_eq!(outputs[0].value, json!(24));
        // A script stopped by its second statement: the first's output, then the error.
        let view = json!({"id": "ab", "state": "done", "result": {
            "outputs": [{"source": "length(x)", "text": "[1] 24", "value": 24}],
            "error": "line 2, column 1: refused", "bytes_sent": 10, "communication_rounds": 2}});
        let Ok(Answer::Done { outputs, error, .. }) = done("ab".into(), &view) else {
            panic!()
        };
        assert_eq!(outputs.len(), 1);
        assert_eq!(error.as_deref(), Some("line 2, column 1: refused"));
    }
}
