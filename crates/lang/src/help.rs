//! `help("name")`: what each function of the language does and what it reveals, from its
//! registry entry (`builtins/`). A researcher sees it in the REPL, and a data protection
//! officer can read from it exactly which aggregates leave the nodes.

/// The help text of `name`, or `None`: its usage, its parameters with R's defaults, the
/// R arguments it refuses, and what it reveals.
pub fn help(name: &str) -> Option<String> {
    let b = crate::builtins::lookup(name)?;
    let params: Vec<String> = b
        .params
        .iter()
        .map(|p| match p.default {
            Some(d) => format!("{} = {d}", p.name),
            None => p.name.to_owned(),
        })
        .collect();
    let mut text = format!("{}\nUsage: {}({})", b.usage, b.name, params.join(", "));
    for (r, why) in b.refused {
        text.push_str(&format!("\nNot supported: {r} = ({why})"));
    }
    text.push_str(&format!("\nReveals: {}.", b.reveals));
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_has_help() {
        for f in crate::builtins::names() {
            let text = help(f).unwrap_or_else(|| panic!("no help for {f}"));
            assert!(!text.contains('\\'), "{f}: {text}");
        }
        assert!(help("mean").unwrap().contains("Reveals: n and the sum."));
        assert!(
            help("mean")
                .unwrap()
                .contains("Usage: mean(x, na.rm = FALSE)")
        );
        assert!(help("lm").unwrap().contains("Not supported: weights ="));
        assert_eq!(help("nosuch"), None);
    }
}
