//! Helpers of the adversarial suites (`attacks.rs`, `attacks_cell_key.rs`): the loads of both
//! sites, and checks that a query is refused (without showing the protected values) or runs.
use super::Fixture;
use sharestat_dict::Policy;

pub const D: &str = "tm <- load(\"munich\")\ntr <- load(\"rome\")\nd <- rbind(tm, tr)\n";

/// `q` (after the loads) is refused by disclosure control; returns the message.
pub fn refused(fx: &Fixture, q: &str) -> String {
    let e = fx.refusal(&format!("{D}{q}"));
    assert!(e.contains("refused by disclosure control"), "{q}: {e}");
    for secret in ["12.6", "91"] {
        assert!(
            !e.contains(secret) || q.contains(secret),
            "{q}: the refusal shows {secret}: {e}"
        );
    }
    e
}

/// `q` is refused by `rule`.
pub fn refused_by(fx: &Fixture, q: &str, rule: &str) -> String {
    let e = refused(fx, q);
    assert!(
        e.contains(&format!("({rule})")),
        "{q}: expected {rule}, got {e}"
    );
    e
}

/// `q` runs (an ordinary analysis the rules must leave alone).
pub fn runs(fx: &Fixture, q: &str) -> serde_json::Value {
    fx.json(&format!("{D}{q}"))
}

/// The study's own policy (`examples/adrenal/policy.toml`).
pub fn study_policy() -> Policy {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/adrenal/policy.toml");
    Policy::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}
