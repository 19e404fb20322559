//! The prompted chat classifier: asks a chat model a templated question and *scores* the
//! label words (never parses free text); their log-probabilities, corrected by contextual
//! calibration, a fitted read or a mixed-in choice question and per-label biases, become a
//! distribution over favor / against / neutral.

use super::score::{group_logprobs, log_sigmoid};
use super::stance::{lock, SharedGenerator, StanceClassifier, StanceQuery, StanceScores};
use crate::config::{Calibration, ChoiceQuestion, LabelWords, StanceConfig, StanceMode};
use crate::error::{BriefError, Result};
use crate::runtime::chat::ChatMessage;

/// Scores label words with a chat model.
pub struct LlmStance {
    name: String,
    model: SharedGenerator,
    cfg: StanceConfig,
    /// Content-free label scores per (article, target), computed once per article.
    content_free: Option<(u64, [f32; 3])>,
}

impl LlmStance {
    /// A classifier named `name` asking `model` the questions of `cfg`; the model may be
    /// shared with the summarizer (one copy of the weights, one KV prefix per article).
    pub fn new(name: &str, model: SharedGenerator, cfg: StanceConfig) -> Self {
        Self {
            name: name.to_string(),
            model,
            cfg,
            content_free: None,
        }
    }

    /// Log-score of each label (favor, against, neutral).
    fn label_logprobs(&mut self, q: &StanceQuery) -> Result<[f32; 3]> {
        match self.cfg.mode {
            StanceMode::Labels => {
                let labels = self.cfg.labels.clone();
                self.label_word_logprobs(q, "", &labels)
            }
            StanceMode::YesNo => {
                let [s, o] = self.mean_log_odds(q)?;
                // log P(yes) and log P(no) of each question.
                let (ps, qs) = (log_sigmoid(s), log_sigmoid(-s));
                let (po, qo) = (log_sigmoid(o), log_sigmoid(-o));
                Ok([ps + qo, po + qs, qs + qo])
            }
            // Loaded as a ProbeStance instead (pipeline/models.rs, load_classifier).
            StanceMode::Probe => Err(BriefError::Usage(format!(
                "'{}' is a trained probe; it is not asked questions",
                self.name
            ))),
        }
    }

    /// Log-probability of each label's words (favor, against, neutral) after `question`.
    fn label_word_logprobs(
        &mut self,
        q: &StanceQuery,
        question: &str,
        l: &LabelWords,
    ) -> Result<[f32; 3]> {
        let groups = [l.favor.clone(), l.against.clone(), l.neutral.clone()];
        let lp = self.group_logprobs(q, question, &groups)?;
        Ok([lp[0], lp[1], lp[2]])
    }

    /// Log-probabilities of favor, against and neutral from the multiple-choice question,
    /// normalized over its answer words; with rotated options, the mean over the arrangements
    /// of each one's normalized log-probabilities, normalized again.
    fn choice_logprobs(&mut self, q: &StanceQuery, c: &ChoiceQuestion) -> Result<[f32; 3]> {
        let asked = match (&c.options, &c.labels) {
            (Some(o), _) => o.arrangements(&c.question),
            (None, Some(l)) => vec![(c.question.clone(), l.clone())],
            // Refused when the config is read (validate_choice).
            (None, None) => return Err(BriefError::Usage("stance.choice has no answers".into())),
        };
        let mut sum = [0.0f32; 3];
        for (question, words) in &asked {
            let lp = log_softmax3(self.label_word_logprobs(q, question, words)?);
            sum = [0, 1, 2].map(|i| sum[i] + lp[i]);
        }
        let n = asked.len() as f32;
        Ok(log_softmax3(sum.map(|x| x / n)))
    }

    /// The log-odds of "yes" to the support and to the opposition question, each averaged
    /// over the config's wordings (the main pair and `paraphrases`).
    fn mean_log_odds(&mut self, q: &StanceQuery) -> Result<[f32; 2]> {
        let groups = [self.cfg.yes.clone(), self.cfg.no.clone()];
        let mut pairs = vec![(
            self.cfg.support_question.clone(),
            self.cfg.oppose_question.clone(),
        )];
        pairs.extend(
            self.cfg
                .paraphrases
                .iter()
                .map(|p| (p.support.clone(), p.oppose.clone())),
        );
        let mut sum = [0.0f32; 2];
        for (sq, oq) in &pairs {
            let s = self.group_logprobs(q, sq, &groups)?;
            let o = self.group_logprobs(q, oq, &groups)?;
            sum[0] += s[0] - s[1];
            sum[1] += o[0] - o[1];
        }
        let n = pairs.len() as f32;
        Ok(sum.map(|x| x / n))
    }

    /// Log-probability of each group of answer words (log-sum-exp over a group's words).
    fn group_logprobs(
        &mut self,
        q: &StanceQuery,
        question: &str,
        groups: &[Vec<String>],
    ) -> Result<Vec<f32>> {
        let messages = stance_messages(&self.cfg, q, question)?;
        let groups: Vec<&[String]> = groups.iter().map(Vec::as_slice).collect();
        group_logprobs(lock(&self.model).as_mut(), &messages, &groups)
    }
}

/// The chat messages of a stance prompt: `cfg.user` rendered for `q`, with `question`
/// (itself a template) in place of `{{ question }}`; shared by the scored and probe modes so
/// both see exactly the same prompt.
pub fn stance_messages(
    cfg: &StanceConfig,
    q: &StanceQuery,
    question: &str,
) -> Result<Vec<ChatMessage>> {
    let env = minijinja::Environment::new();
    let render = |t: &str, question: &str| {
        env.render_str(
            t,
            minijinja::context! {
                title => q.title, article => q.article, actor => q.actor,
                aliases => q.aliases.iter().filter(|a| a.as_str() != q.actor).collect::<Vec<_>>(),
                target => q.target, evidence => q.evidence, question => question,
            },
        )
        .map_err(|e| BriefError::Template(format!("stance prompt: {e}")))
    };
    let question = if question.is_empty() {
        String::new()
    } else {
        render(question, "")?
    };
    let user = render(&cfg.user, &question)?;
    let mut m = Vec::new();
    if let Some(s) = &cfg.system {
        m.push(ChatMessage::system(s.clone()));
    }
    m.push(ChatMessage::user(user));
    Ok(m)
}

/// Log-probabilities from three log-scores.
fn log_softmax3(l: [f32; 3]) -> [f32; 3] {
    let z = crate::tasks::score::lse(&l);
    l.map(|x| x - z)
}

/// `(1 − weight)·a + weight·b`, label by label (a weighted product of the two distributions).
fn mix(a: [f32; 3], b: [f32; 3], weight: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| (1.0 - weight) * a[i] + weight * b[i])
}

fn key(q: &StanceQuery) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (q.title, q.article, q.target).hash(&mut h);
    h.finish()
}

impl StanceClassifier for LlmStance {
    fn name(&self) -> &str {
        &self.name
    }

    fn classify(&mut self, q: &StanceQuery) -> Result<StanceScores> {
        let raw = self.label_logprobs(q)?;
        let cf = match self.cfg.calibration {
            Calibration::None => [0.0; 3],
            Calibration::ContentFree => {
                let k = key(q);
                match self.content_free {
                    Some((kk, v)) if kk == k => v,
                    _ => {
                        let cf_actor = self.cfg.content_free.clone();
                        let cf_text = [cf_actor.clone()];
                        let cf_query = StanceQuery {
                            actor: &cf_actor,
                            aliases: &[],
                            evidence: &cf_text,
                            ..q.clone()
                        };
                        let v = self.label_logprobs(&cf_query)?;
                        self.content_free = Some((k, v));
                        v
                    }
                }
            }
        };
        // In yes-no mode, relative to neutral, the raw scores are each question's log-odds of
        // "yes": what a fit reads (validation keeps it to uncalibrated configs) and what is
        // recorded as the answers.
        let log_odds = [raw[0] - raw[2], raw[1] - raw[2]];
        let l = match &self.cfg.fitted {
            Some(f) => f.log_scores(log_odds),
            None => [raw[0] - cf[0], raw[1] - cf[1], raw[2] - cf[2]],
        };
        let l = match self.cfg.choice.clone() {
            Some(c) => mix(log_softmax3(l), self.choice_logprobs(q, &c)?, c.weight),
            None => l,
        };
        let b = self.cfg.bias;
        let mut scores =
            StanceScores::from_log_scores([l[0] + b.favor, l[1] + b.against, l[2] + b.neutral]);
        if self.cfg.mode == StanceMode::YesNo {
            let sigmoid = |x: f32| 1.0 / (1.0 + (-x).exp());
            scores.answers = Some(log_odds.map(sigmoid));
        }
        Ok(scores)
    }

    fn min_confidence(&self) -> f32 {
        self.cfg.min_confidence
    }

    fn max_evidence(&self) -> usize {
        self.cfg.max_evidence
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{resolve_model, FittedAnswers};
    use crate::tasks::stance::{share, Stance};
    use crate::tasks::stand_in::StandIn;

    /// The default classifier's stance config, uncalibrated and without a threshold, so a
    /// test sees the rule that combines the answers and nothing else.
    fn uncalibrated_default() -> StanceConfig {
        let base = resolve_model("qwen2.5-coder-1.5b-instruct").unwrap();
        let mut cfg = base.stance.unwrap();
        (cfg.calibration, cfg.min_confidence) = (Calibration::None, 0.0);
        cfg
    }

    fn berg_query(evidence: &[String]) -> StanceQuery<'_> {
        StanceQuery {
            title: None,
            article: "Berg backed the plan.",
            actor: "Berg",
            aliases: &[],
            target: "the plan",
            evidence,
        }
    }

    #[test]
    fn a_fitted_read_of_the_answers_replaces_the_product_rule() {
        // Yes to both questions, a little more to opposition: the product of the answers says
        // against; a read fitted to a model that over-answers "yes" to opposition says favor.
        // Either way the model's own answers are recorded, for refitting.
        let p_yes = |q: &str| if q.contains("opposition") { 0.9 } else { 0.85 };
        let cfg = uncalibrated_default();
        let evidence = ["Berg backed the plan.".to_string()];
        let q = berg_query(&evidence);
        let label = |fitted: Option<FittedAnswers>| {
            let cfg = StanceConfig {
                fitted,
                ..cfg.clone()
            };
            let model = share(Box::new(StandIn::yes_no(p_yes)));
            let scores = LlmStance::new("t", model, cfg).classify(&q).unwrap();
            let [s, o] = scores.answers.unwrap();
            assert!((s - 0.85).abs() < 1e-4 && (o - 0.9).abs() < 1e-4, "{s} {o}");
            scores.decide(0.0).0
        };
        assert_eq!(label(None), Stance::Against);
        let fitted = FittedAnswers {
            favor: [1.0, -1.0, 0.5],
            against: [-1.0, 1.0, -0.5],
        };
        assert_eq!(label(Some(fitted)), Stance::Favor);
    }

    #[test]
    fn paraphrased_questions_average_their_log_odds() {
        // The main wording leans to opposition (0.6 vs 0.9), the paraphrase to support (0.95
        // vs 0.5): averaged log-odds decide, and the recorded answers are the averaged ones.
        let p_yes = |q: &str| match (q.contains("in favour"), q.contains("opposition")) {
            (true, _) => 0.95,
            (false, true) => 0.9,
            _ if q.contains("against") => 0.5,
            _ => 0.6,
        };
        let cfg = uncalibrated_default();
        let evidence = ["Berg backed the plan.".to_string()];
        let q = berg_query(&evidence);
        let run = |cfg: StanceConfig| {
            let model = share(Box::new(StandIn::yes_no(p_yes)));
            LlmStance::new("t", model, cfg).classify(&q).unwrap()
        };
        assert_eq!(run(cfg.clone()).decide(0.0).0, Stance::Against);
        let cfg = StanceConfig {
            paraphrases: vec![crate::config::QuestionPair {
                support: "Is {{ actor }} in favour of {{ target }}?".into(),
                oppose: "Is {{ actor }} against {{ target }}?".into(),
            }],
            ..cfg
        };
        let scores = run(cfg);
        let logit = |p: f32| (p / (1.0 - p)).ln();
        let sigmoid = |x: f32| 1.0 / (1.0 + (-x).exp());
        let [s, o] = scores.answers.unwrap();
        let want_s = sigmoid((logit(0.6) + logit(0.95)) / 2.0);
        let want_o = sigmoid((logit(0.9) + logit(0.5)) / 2.0);
        assert!(
            (s - want_s).abs() < 1e-4 && (o - want_o).abs() < 1e-4,
            "{s} {o}"
        );
        assert_eq!(scores.decide(0.0).0, Stance::Favor);
    }

    #[test]
    fn a_choice_question_is_mixed_with_the_yes_no_answers_by_its_weight() {
        // Yes to both questions, more to opposition: the yes/no pair says against. The choice
        // question (answer words A, B, C: the stand-in gives A and B P(yes)/2 each, C half
        // the rest) says "no clear position" with 0.45 / 0.55. Its weight moves the label
        // from the pair's to its own, and the recorded answers stay the yes/no ones.
        let p_yes = |q: &str| match (q.contains("A, B or C"), q.contains("opposition")) {
            (true, _) => 0.1,
            (false, true) => 0.9,
            (false, false) => 0.6,
        };
        let evidence = ["Berg backed the plan.".to_string()];
        let q = berg_query(&evidence);
        let run = |weight: f32| {
            let cfg = StanceConfig {
                choice: Some(ChoiceQuestion {
                    question: "Where does {{ actor }} stand? Answer A, B or C.".into(),
                    labels: Some(crate::config::LabelWords {
                        favor: vec!["A".into()],
                        against: vec!["B".into()],
                        neutral: vec!["C".into()],
                    }),
                    options: None,
                    weight,
                }),
                ..uncalibrated_default()
            };
            let model = share(Box::new(StandIn::yes_no(p_yes)));
            LlmStance::new("t", model, cfg).classify(&q).unwrap()
        };
        let (none, half, all) = (run(0.0), run(0.5), run(1.0));
        assert_eq!(none.decide(0.0).0, Stance::Against);
        assert_eq!(all.decide(0.0).0, Stance::Neutral);
        assert!((all.neutral - 0.45 / 0.55).abs() < 1e-4, "{all:?}");
        assert!(none.neutral < half.neutral && half.neutral < all.neutral);
        let [s, o] = half.answers.unwrap();
        assert!((s - 0.6).abs() < 1e-4 && (o - 0.9).abs() < 1e-4, "{s} {o}");
    }

    #[test]
    fn rotated_options_cancel_a_preference_for_the_first_letter() {
        // A model that answers "A" whatever it is asked. Listed once, the first option
        // (favor) wins; rotated through the three orders, every label is "A" once, so the
        // choice says nothing: a uniform distribution.
        let evidence = ["Berg backed the plan.".to_string()];
        let q = berg_query(&evidence);
        let options = crate::config::ChoiceOptions {
            favor: "supports it".into(),
            against: "opposes it".into(),
            neutral: "no clear position".into(),
        };
        let question = "Where does {{ actor }} stand?\n{{ options }}\nAnswer A, B or C.";
        let fixed = options.arrangements(question).remove(0);
        let choice = |labels: Option<crate::config::LabelWords>, options| ChoiceQuestion {
            question: if labels.is_some() {
                fixed.0.clone()
            } else {
                question.into()
            },
            labels,
            options,
            weight: 1.0,
        };
        let run = |c: ChoiceQuestion| {
            let cfg = StanceConfig {
                choice: Some(c),
                ..uncalibrated_default()
            };
            let m = StandIn::by_word(|w| if w == "A" { -0.1 } else { -3.0 });
            let model = share(Box::new(m));
            LlmStance::new("t", model, cfg).classify(&q).unwrap()
        };
        let listed = run(choice(Some(fixed.1.clone()), None));
        assert!(listed.favor > 0.8, "{listed:?}");
        let rotated = run(choice(None, Some(options.clone())));
        for p in [rotated.favor, rotated.against, rotated.neutral] {
            assert!((p - 1.0 / 3.0).abs() < 1e-4, "{rotated:?}");
        }
    }

    #[test]
    fn default_stance_prompts_start_like_the_summary_prompt() {
        // So the article's KV prefix computed for the summary serves every stance question.
        use crate::config::{resolve_model, Defaults, SummaryLength};
        let d = Defaults::load(None).unwrap();
        let (summ, clf) = (
            resolve_model(&d.summarizer).unwrap(),
            resolve_model(&d.classifier).unwrap(),
        );
        let (p, st) = (summ.prompts.summarize.unwrap(), clf.stance.unwrap());
        assert_eq!((p.system.as_deref(), st.system.as_deref()), (None, None));
        let body = "The US paused aid. France left.";
        let env = minijinja::Environment::new();
        let summary = env
            .render_str(&p.user, minijinja::context! { title => "T", text => body, length => SummaryLength::Medium.phrase() })
            .unwrap();
        let stance = env
            .render_str(&st.user, minijinja::context! { title => "T", article => body, actor => "US", aliases => Vec::<String>::new(), target => "aid", evidence => vec!["The US paused aid."], question => "Q?" })
            .unwrap();
        let shared = summary
            .chars()
            .zip(stance.chars())
            .take_while(|(a, b)| a == b)
            .count();
        assert!(
            shared >= summary.find(body).unwrap() + body.len(),
            "{stance}"
        );
    }
}
